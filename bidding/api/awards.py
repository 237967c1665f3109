"""JSON API of the award stage (docs/conventions.md, "API"): the published awards, their
verification, the actions after the award and the selection methods other than live bidding.

One input and one output serializer per endpoint (the HackSoft styleguide): each POST validates
its input, calls one service and returns the output serializer of what it made; refusals become
4xx JSON ``{"detail", "code"}`` through ``core.api.exception_handler``. Who may act is the
service's ``require_perm`` (``bidding/permissions.py``), so the API refuses exactly what the
pages do.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bidding.models import Award, Delivery, Objection, Project
from bidding.selectors import awards as sel
from bidding.services import contracts, deliveries, objections
from core.api import API_PARSERS, DeclaredQueryParams, TextField
from core.errors import NotFound
from core.schema import page_of

SEND_TEXT = _("Send text.")


# --- output serializers -------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.DATETIME)
class IsoDateTime(serializers.Field):
    """A timestamp as ``datetime.isoformat()`` of the stored value (UTC), as the notices sign it."""

    def to_representation(self, value) -> str:
        return value.isoformat()


class AwardProjectOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    investment_code = serializers.CharField()
    approval_case_no = serializers.CharField()
    item = serializers.CharField(source="item.title")
    enquiry_phone = serializers.CharField()
    complaint_phone = serializers.CharField()


class AwardAgencyOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    uscc = serializers.CharField()
    standing = serializers.CharField()


class AwardOutput(serializers.Serializer):
    """An award in the public list."""

    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    status_reason = serializers.CharField()
    rank = serializers.IntegerField()
    method = serializers.CharField()
    price = serializers.CharField()
    quote = serializers.CharField(allow_null=True)
    decided_at = IsoDateTime()
    objection_until = IsoDateTime()
    contract_deadline = IsoDateTime(allow_null=True)
    project = AwardProjectOutput()
    agency = AwardAgencyOutput()
    url = serializers.SerializerMethodField()

    def get_url(self, award) -> str:
        request = self.context.get("request")
        path = f"/awards/{award.pk}/"
        return request.build_absolute_uri(path) if request else path


class AwardObjectionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    agency = serializers.CharField(source="agency.name")
    text = serializers.CharField()
    answer = serializers.CharField()
    decision = serializers.CharField()
    status = serializers.CharField()
    filed_at = IsoDateTime(source="created")


class AwardDeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    note = serializers.CharField()
    reason = serializers.CharField()
    on_time = serializers.BooleanField()
    submitted_at = IsoDateTime(source="created")


class AwardContractOutput(serializers.Serializer):
    uploaded_by = serializers.CharField(source="uploaded_by.name")
    confirmed_at = IsoDateTime(allow_null=True)


class AwardDetailOutput(AwardOutput):
    """One award notice with its computation, objections, deliveries and contract."""

    computation = serializers.JSONField()
    record_hash = serializers.CharField()
    objections = AwardObjectionOutput(many=True)
    deliveries = AwardDeliveryOutput(many=True)
    contract = serializers.SerializerMethodField()

    def get_contract(self, award) -> dict | None:
        contract = sel.contract_of(award)
        return None if contract is None else AwardContractOutput(contract).data


class NoAwardOutput(serializers.Serializer):
    """What an action answers when nobody was left to offer the award to."""

    detail = serializers.CharField()
    award = serializers.JSONField(allow_null=True)


class ObjectionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()


class DeliveryDecisionOutput(DeliveryOutput):
    on_time = serializers.BooleanField()


# --- input serializers --------------------------------------------------------------------------


def text_field(**kwargs) -> TextField:
    """Optional text (the service says what is missing); anything but text is refused."""
    return TextField(required=False, allow_blank=True, default="", trim_whitespace=False,
                     error_messages={"invalid": SEND_TEXT, "null": SEND_TEXT}, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class RawField(serializers.Field):
    """A value handed to the service as sent (the service's own parser judges it)."""

    def to_internal_value(self, data):
        return data


class StrictBoolean(serializers.BooleanField):
    default_empty_html = serializers.empty  # a form that leaves it out has not said "no"


class ObjectionFileInput(serializers.Serializer):
    text = text_field()


class ObjectionAnswerInput(serializers.Serializer):
    answer = text_field()


UPHELD_MESSAGE = _("Say whether the objection is upheld (true or false).")


class ObjectionDecideInput(serializers.Serializer):
    upheld = StrictBoolean(error_messages={"required": UPHELD_MESSAGE,
                                           "invalid": UPHELD_MESSAGE, "null": UPHELD_MESSAGE})
    decision = text_field()


class UploadInput(serializers.Serializer):
    file = serializers.FileField(required=False, allow_null=True, default=None)


class RefuseInput(serializers.Serializer):
    reason = text_field()


class DeliverySubmitInput(UploadInput):
    note = text_field()


class DeliveryReturnInput(serializers.Serializer):
    reason = text_field()


# --- views --------------------------------------------------------------------------------------


def object_or_404(model, pk, message):
    try:
        return model.objects.get(pk=int(pk))
    except (model.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound(message) from None


def project_or_404(pk) -> Project:
    return object_or_404(Project, pk, _("No such project."))


class AwardListQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    method = serializers.ChoiceField(choices=Project.Method.choices, required=False,
                                     allow_blank=True)
    status = serializers.ChoiceField(choices=Award.Status.choices, required=False,
                                     allow_blank=True)
    project = serializers.IntegerField(required=False, min_value=1, max_value=2 ** 31 - 1)


class AwardList(DeclaredQueryParams, APIView):
    permission_classes = [AllowAny]
    query_params = ("q", "method", "status", "project")

    @extend_schema(summary="Published awards (filter: q, method, status, project)",
                   parameters=[AwardListQuery,
                               OpenApiParameter("page", int, description="Page number (from 1).")],
                   responses=page_of(AwardOutput), operation_id="v1_awards_list")
    def get(self, request):
        query = AwardListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        qs = sel.award_list(query=params.get("q", ""), method=params.get("method", ""),
                            status=params.get("status", ""), project=params.get("project"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            AwardOutput(page, many=True, context={"request": request}).data)


class AwardDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="One award notice with its computation", responses=AwardDetailOutput)
    def get(self, request, pk):
        return Response(AwardDetailOutput(sel.award_detail(pk),
                                          context={"request": request}).data)


class AwardVerify(APIView):
    """Authentic or not, current status, project, investment code, agency, price, standing.
    Always 200 for a well-formed request; ``found``/``authentic``/``verdict`` say the result
    (``Verification.as_dict``, the one shape the page's QR code and this endpoint share)."""

    permission_classes = [AllowAny]

    @extend_schema(summary="Verify an award by its code", responses=dict)
    def get(self, request, code):
        return Response(sel.award_verify(code).as_dict(request))


class ActionView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = API_PARSERS
    input_class: type[serializers.Serializer] | None = None

    def input(self) -> dict:
        form = self.input_class(data=self.request.data)
        form.is_valid(raise_exception=True)
        return form.validated_data

    def award(self, award: Award | None, status: int = 200) -> Response:
        """The award an action made or changed, in full; or the project failed."""
        if award is None:
            return Response(NoAwardOutput({"detail": _("No candidate was left; the project "
                                                       "failed."), "award": None}).data,
                            status=status)
        return Response(AwardDetailOutput(sel.award_detail(award.pk),
                                          context={"request": self.request}).data,
                        status=status)


class ObjectionFile(ActionView):
    input_class = ObjectionFileInput

    @extend_schema(summary="File an objection (signed-up agency, during the period)",
                   request=ObjectionFileInput, responses={201: ObjectionOutput})
    def post(self, request, pk):
        award = sel.award_detail(pk)
        objection = objections.objection_file(actor=request.user, award=award,
                                              **self.input())
        return Response(ObjectionOutput(objection).data, status=201)


class ObjectionAnswer(ActionView):
    input_class = ObjectionAnswerInput

    @extend_schema(summary="Answer an objection (purchaser)", request=ObjectionAnswerInput,
                   responses=ObjectionOutput)
    def post(self, request, pk):
        objection = object_or_404(Objection, pk, _("No such objection."))
        objection = objections.objection_answer(actor=request.user, objection=objection,
                                                **self.input())
        return Response(ObjectionOutput(objection).data)


class ObjectionDecide(ActionView):
    input_class = ObjectionDecideInput

    @extend_schema(summary="Decide an objection (regulator): upheld true/false, decision",
                   request=ObjectionDecideInput, responses=ObjectionOutput)
    def post(self, request, pk):
        objection = object_or_404(Objection, pk, _("No such objection."))
        objection = objections.objection_decide(actor=request.user, objection=objection,
                                                **self.input())
        return Response(ObjectionOutput(objection).data)


class ContractUpload(ActionView):
    input_class = UploadInput

    @extend_schema(summary="Upload the signed contract (multipart: file)", request=UploadInput,
                   responses={201: AwardDetailOutput})
    def post(self, request, pk):
        award = sel.award_detail(pk)
        contracts.contract_upload(actor=request.user, award=award, **self.input())
        return self.award(award, 201)


class ContractConfirm(ActionView):
    @extend_schema(summary="Confirm the contract uploaded by the other side", request=None,
                   responses=AwardDetailOutput)
    def post(self, request, pk):
        award = sel.award_detail(pk)
        contracts.contract_confirm(actor=request.user, award=award)
        return self.award(award)


class ContractRefuse(ActionView):
    input_class = RefuseInput

    @extend_schema(summary="The winner refuses to sign (reason); the runner-up is offered",
                   request=RefuseInput, responses=AwardDetailOutput)
    def post(self, request, pk):
        award = sel.award_detail(pk)
        reason = self.input()["reason"]
        return self.award(contracts.contract_refuse(actor=request.user, award=award,
                                                    reason=reason))


class AwardDecline(ActionView):
    input_class = RefuseInput

    @extend_schema(summary="The purchaser declines the award (reason); without an accepted "
                           "cause it is a purchaser credit event and the project fails",
                   request=RefuseInput, responses=AwardDetailOutput)
    def post(self, request, pk):
        award = sel.award_detail(pk)
        reason = self.input()["reason"]
        return self.award(contracts.award_decline(actor=request.user, award=award,
                                                  reason=reason) or award)


class DeliverySubmit(ActionView):
    input_class = DeliverySubmitInput

    @extend_schema(summary="Deliver the result (multipart: file, note)",
                   request=DeliverySubmitInput, responses={201: DeliveryOutput})
    def post(self, request, pk):
        award = sel.award_detail(pk)
        delivery = deliveries.delivery_submit(actor=request.user, award=award, **self.input())
        return Response(DeliveryOutput(delivery).data, status=201)


class DeliveryDecide(ActionView):
    accept = True
    input_class = DeliveryReturnInput

    @extend_schema(summary="Accept or return (reason) a delivered result",
                   request=DeliveryReturnInput, responses=DeliveryDecisionOutput)
    def post(self, request, pk):
        delivery = object_or_404(Delivery, pk, _("No such delivery."))
        if self.accept:
            delivery = deliveries.delivery_accept(actor=request.user, delivery=delivery)
        else:
            delivery = deliveries.delivery_return(actor=request.user, delivery=delivery,
                                                  **self.input())
        return Response(DeliveryDecisionOutput(delivery).data)
