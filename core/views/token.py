"""The API token endpoint: a user name and password in, the account's token out. Core's, as the
accounts are; the site routes it at ``/api/v1/auth/token/`` (marketplace/api/urls.py)."""
from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import API_PARSERS, TextField
from core.errors import ValidationFailed
from core.schema import error_responses


class TokenRequestSerializer(serializers.Serializer):
    username = TextField(max_length=150, help_text=gettext_lazy("User name of the account."))
    password = TextField(max_length=256, trim_whitespace=False,
                         style={"input_type": "password"},
                         help_text=gettext_lazy("Password of the account."))


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=gettext_lazy("Send it as the header `Authorization: Token <token>`."))


class TokenView(APIView):
    """Exchange a user name and password for the account's API token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    parser_classes = API_PARSERS
    serializer_class = TokenRequestSerializer

    @extend_schema(request=TokenRequestSerializer,
                   responses={200: TokenResponseSerializer, **error_responses(429)},
                   summary="Obtain an API token", tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: django-axes marks a locked-out attempt on it
        # and its middleware answers 429 (core/throttle.py).
        user = authenticate(request._request, username=serializer.validated_data["username"],
                            password=serializer.validated_data["password"])
        if user is None:
            raise ValidationFailed(_("Unable to sign in with this user name and password."),
                                   code="invalid_credentials")
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenResponseSerializer({"token": token.key}).data)
