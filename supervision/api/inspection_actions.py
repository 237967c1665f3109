"""The regulator's inspection actions over the API (issue 8, "Schema": what pages can do the API
can do): announce an inspection, draw it, record a finding, publish the results. Each endpoint
calls the same service as the regulator's inspection pages (``credit/services/inspections.py``)
and answers with the inspection as ``/api/v1/inspections/<id>/`` shows it."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import API_PARSERS, StrictFieldsMixin, TextField
from core.catalogue import service_items
from core.errors import NotFound
from core.models import Region
from core.schema import error_responses
from credit.models import Inspection, InspectionFinding
from credit.services import inspections as services
from supervision.api.inspections import FindingSerializer, InspectionSerializer
from supervision.forms import GRADE_CHOICES

ERRORS = error_responses(400, 401, 403, 404, 409, 415)
MAX_ID = 2**63 - 1


class InspectionAnnounceInput(StrictFieldsMixin, serializers.Serializer):
    title = TextField(max_length=200)
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                    allow_null=True, default=None,
                                    help_text=_("Only agencies offering this catalogue item."))
    region = TextField(max_length=12, required=False, allow_blank=True, default="",
                       help_text=_("Only agencies in this region (code) or a region under it."))
    grade = serializers.ChoiceField(choices=GRADE_CHOICES, required=False, default="")
    agency_count = serializers.IntegerField(min_value=1, max_value=200)
    inspector_count = serializers.IntegerField(min_value=1, max_value=200)
    source = serializers.ChoiceField(choices=Inspection.Source.choices, required=False,
                                     default=Inspection.Source.INDUSTRY_DEPARTMENT)

    def validate_item(self, value):
        if value is None:
            return None
        item = service_items().filter(pk=value).first()
        if item is None:
            raise serializers.ValidationError(_("No catalogue item with this id."))
        return item

    def validate_region(self, value):
        if not value:
            return None
        region = Region.objects.filter(code=value).first()
        if region is None:
            raise serializers.ValidationError(_("No region with this code."))
        return region


class FindingInput(StrictFieldsMixin, serializers.Serializer):
    result = serializers.ChoiceField(choices=[InspectionFinding.Result.PASS,
                                              InspectionFinding.Result.FAIL])
    points = serializers.DecimalField(max_digits=7, decimal_places=2, required=False,
                                      allow_null=True, default=None, min_value=-100,
                                      max_value=100,
                                      help_text=_("Blank: the rule's default."))
    note = TextField(max_length=4000, required=False, allow_blank=True, default="",
                     help_text=_("What was found (needed for a failure; published)."))


def _existing(model, pk: int, message) -> int:
    if not 0 < pk <= MAX_ID or not model.objects.filter(pk=pk).exists():
        raise NotFound(message)
    return pk


def _inspection_out(pk: int, status_code: int = status.HTTP_200_OK) -> Response:
    inspection = (Inspection.objects.select_related("item", "region")
                  .prefetch_related("inspectors", "findings__agency").get(pk=pk))
    return Response(InspectionSerializer(inspection).data, status=status_code)


class _RegulatorAction(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS


class InspectionAnnounce(_RegulatorAction):
    @extend_schema(summary="Announce an inspection: pools frozen, seed committed (regulators)",
                   request=InspectionAnnounceInput,
                   responses={201: InspectionSerializer,
                              **error_responses(400, 401, 403, 415)},
                   tags=["inspections"])
    def post(self, request):
        form = InspectionAnnounceInput(data=request.data)
        form.is_valid(raise_exception=True)
        inspection = services.inspection_announce(actor=request.user, **form.validated_data)
        return _inspection_out(inspection.pk, status.HTTP_201_CREATED)


class InspectionDraw(_RegulatorAction):
    @extend_schema(summary="Draw the agencies and inspectors; reveals the seed (regulators)",
                   request=None, responses={200: InspectionSerializer, **ERRORS},
                   tags=["inspections"])
    def post(self, request, pk: int):
        pk = _existing(Inspection, pk, _("This inspection does not exist."))
        services.inspection_draw(actor=request.user, inspection=pk)
        return _inspection_out(pk)


class InspectionPublish(_RegulatorAction):
    @extend_schema(summary="Publish the results once every drawn agency has a finding "
                           "(regulators)",
                   request=None, responses={200: InspectionSerializer, **ERRORS},
                   tags=["inspections"])
    def post(self, request, pk: int):
        pk = _existing(Inspection, pk, _("This inspection does not exist."))
        services.inspection_publish(actor=request.user, inspection=pk)
        return _inspection_out(pk)


class FindingRecord(_RegulatorAction):
    @extend_schema(summary="Record the finding on one drawn agency; it becomes a credit event "
                           "(regulators)",
                   request=FindingInput, responses={200: FindingSerializer, **ERRORS},
                   tags=["inspections"])
    def post(self, request, pk: int):
        pk = _existing(InspectionFinding, pk, _("This finding does not exist."))
        form = FindingInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        finding = services.inspection_finding_record(actor=request.user, finding=pk, **data)
        finding = InspectionFinding.objects.select_related("agency").get(pk=finding.pk)
        return Response(FindingSerializer(finding).data)
