"""Any other path under ``/api/`` (a mistyped route, a path parameter that is not a number):
the API's JSON 404 ``{detail, code}``, not the site's HTML page, so a client reads every answer
of the API the same way (the schema documents 404 as JSON: core/schema.py)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from core.errors import NotFound


@extend_schema(exclude=True)
class ApiNotFound(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound(_("There is no such API address."))

    def get(self, request, *args, **kwargs):  # pragma: no cover - initial() always raises
        raise NotFound(_("There is no such API address."))

    post = put = patch = delete = get
