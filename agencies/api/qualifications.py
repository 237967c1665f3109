"""An agency's qualifications over the API (issue 8, "Schema": what pages can do the API can do):
add one, remove one. The same services as the profile's qualification page
(``agencies/services/registry.py::agency_qualification_add`` / ``…_remove``), the same rule
(``agencies.edit_agency``)."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.api.registry import _editable
from agencies.api.serializers import QualificationInputSerializer, QualificationSerializer
from agencies.models import Qualification
from agencies.services.registry import (
    QualificationInput,
    agency_qualification_add,
    agency_qualification_remove,
)
from core.api import API_PARSERS
from core.errors import NotFound
from core.schema import error_responses

MAX_ID = 2**63 - 1


class AgencyQualifications(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Add a qualification to the agency's profile (the agency)",
                   tags=["agencies"], request=QualificationInputSerializer,
                   responses={201: QualificationSerializer,
                              **error_responses(400, 401, 403, 404, 415)})
    def post(self, request, pk: int):
        agency = _editable(request, pk)
        form = QualificationInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        qualification = agency_qualification_add(
            actor=request.user, agency=agency,
            qualification=QualificationInput(**form.validated_data))
        return Response(QualificationSerializer(qualification).data,
                        status=status.HTTP_201_CREATED)


class AgencyQualification(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Remove a qualification from the agency's profile (the agency)",
                   tags=["agencies"], request=None,
                   responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, pk: int, qualification_id: int):
        agency = _editable(request, pk)
        if not (0 < qualification_id <= MAX_ID and Qualification.objects.filter(
                agency=agency, pk=qualification_id).exists()):
            raise NotFound(_("No such qualification on this profile."))
        agency_qualification_remove(actor=request.user, agency=agency,
                                    qualification_id=qualification_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
