"""JSON API of the award stage (DESIGN.md §5). Each POST parses its input, calls one service and
returns the resulting award; refusals become 4xx JSON ``{"detail", "code"}`` through
``core.api.exception_handler``."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from bidding.models import Award, Delivery, Objection, Project, SignUp
from bidding.selectors import awards as sel
from bidding.services import awards as svc
from bidding.services import methods
from core.errors import NotFound, ValidationFailed


def award_json(award: Award, request=None, *, full: bool = False) -> dict:
    body = {
        "id": award.pk, "code": award.code, "status": award.status,
        "status_label": str(award.get_status_display()), "status_reason": award.status_reason,
        "rank": award.rank, "method": award.method, "price": str(award.price),
        "quote": None if award.quote is None else str(award.quote),
        "decided_at": award.decided_at.isoformat(),
        "objection_until": award.objection_until.isoformat(),
        "contract_deadline": award.contract_deadline.isoformat()
        if award.contract_deadline else None,
        "project": {"id": award.project_id, "title": award.project.title,
                    "investment_code": award.project.investment_code,
                    "approval_case_no": award.project.approval_case_no,
                    "item": award.project.item.title,
                    "enquiry_phone": award.project.enquiry_phone,
                    "complaint_phone": award.project.complaint_phone},
        "agency": {"id": award.agency_id, "name": award.agency.name, "uscc": award.agency.uscc,
                   "standing": award.agency.standing},
        "url": request.build_absolute_uri(f"/awards/{award.pk}/") if request
        else f"/awards/{award.pk}/",
    }
    if full:
        body["computation"] = award.computation
        body["record_hash"] = award.record_hash
        body["objections"] = [
            {"id": o.pk, "agency": o.agency.name, "text": o.text, "answer": o.answer,
             "decision": o.decision, "status": o.status, "filed_at": o.created.isoformat()}
            for o in award.objections.all()]
        body["deliveries"] = [
            {"id": d.pk, "status": d.status, "note": d.note, "reason": d.reason,
             "on_time": d.on_time, "submitted_at": d.created.isoformat()}
            for d in award.deliveries.all()]
        contract = sel.contract_of(award)
        body["contract"] = None if contract is None else {
            "uploaded_by": contract.uploaded_by.name,
            "confirmed_at": contract.confirmed_at.isoformat() if contract.confirmed_at else None}
    return body


def _award(pk) -> Award:
    return sel.award_detail(pk)


def _obj(model, pk, message):
    try:
        return model.objects.get(pk=int(pk))
    except (model.DoesNotExist, TypeError, ValueError):
        raise NotFound(message) from None


class AwardList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="Published awards (filter: q, method, status)", responses=dict,
                   operation_id="v1_awards_list")
    def get(self, request):
        qs = sel.award_list(query=request.query_params.get("q", "")[:100],
                            method=request.query_params.get("method", ""),
                            status=request.query_params.get("status", ""))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([award_json(a, request) for a in page])


class AwardDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="One award notice with its computation", responses=dict)
    def get(self, request, pk):
        return Response(award_json(_award(pk), request, full=True))


class AwardVerify(APIView):
    """Authentic or not, current status, project, investment code, agency, price, standing.
    Always 200 for a well-formed request; ``found``/``authentic``/``verdict`` say the result."""

    permission_classes = [AllowAny]

    @extend_schema(summary="Verify an award by its code", responses=dict)
    def get(self, request, code):
        return Response(sel.award_verify(code).as_dict(request))


class _Action(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def text(self, name: str, required: bool = True) -> str:
        value = self.request.data.get(name, "")
        if not isinstance(value, str):
            raise ValidationFailed(_("Send text."), field=name)
        return value

    def done(self, award: Award | None, status: int = 200):
        if award is None:
            return Response({"detail": _("No candidate was left; the project failed."),
                             "award": None}, status=status)
        award = _award(award.pk)
        return Response(award_json(award, self.request, full=True), status=status)


class ObjectionFile(_Action):
    @extend_schema(summary="File an objection (signed-up agency, during the period)",
                   request=dict, responses=dict)
    def post(self, request, pk):
        objection = svc.objection_file(actor=request.user, award=_award(pk),
                                       text=self.text("text"))
        return Response({"id": objection.pk, "status": objection.status}, status=201)


class ObjectionAnswer(_Action):
    @extend_schema(summary="Answer an objection (purchaser)", request=dict, responses=dict)
    def post(self, request, pk):
        objection = svc.objection_answer(
            actor=request.user, objection=_obj(Objection, pk, _("No such objection.")),
            answer=self.text("answer"))
        return Response({"id": objection.pk, "status": objection.status})


class ObjectionDecide(_Action):
    @extend_schema(summary="Decide an objection (regulator): upheld true/false, decision",
                   request=dict, responses=dict)
    def post(self, request, pk):
        objection = _obj(Objection, pk, _("No such objection."))
        upheld = request.data.get("upheld")
        if isinstance(upheld, str):
            upheld = {"true": True, "yes": True, "1": True,
                      "false": False, "no": False, "0": False}.get(upheld.lower())
        if not isinstance(upheld, bool):
            raise ValidationFailed(_("Say whether the objection is upheld (true or false)."),
                                   field="upheld")
        objection = svc.objection_decide(
            actor=request.user, objection=objection, upheld=upheld, decision=self.text("decision"))
        return Response({"id": objection.pk, "status": objection.status})


class ContractUpload(_Action):
    @extend_schema(summary="Upload the signed contract (multipart: file)", request=dict,
                   responses=dict)
    def post(self, request, pk):
        award = _award(pk)
        svc.contract_upload(actor=request.user, award=award, file=request.FILES.get("file"))
        return self.done(award, 201)


class ContractConfirm(_Action):
    @extend_schema(summary="Confirm the contract uploaded by the other side", request=None,
                   responses=dict)
    def post(self, request, pk):
        award = _award(pk)
        svc.contract_confirm(actor=request.user, award=award)
        return self.done(award)


class ContractRefuse(_Action):
    @extend_schema(summary="The winner refuses to sign (reason); the runner-up is offered",
                   request=dict, responses=dict)
    def post(self, request, pk):
        nxt = svc.contract_refuse(actor=request.user, award=_award(pk),
                                  reason=self.text("reason"))
        return self.done(nxt)


class DeliverySubmit(_Action):
    @extend_schema(summary="Deliver the result (multipart: file, note)", request=dict,
                   responses=dict)
    def post(self, request, pk):
        delivery = svc.delivery_submit(actor=request.user, award=_award(pk),
                                       file=request.FILES.get("file"),
                                       note=self.text("note", required=False))
        return Response({"id": delivery.pk, "status": delivery.status}, status=201)


class DeliveryDecide(_Action):
    accept = True

    @extend_schema(summary="Accept or return a delivered result", request=dict,
                   responses=dict)
    def post(self, request, pk):
        delivery = _obj(Delivery, pk, _("No such delivery."))
        if self.accept:
            delivery = svc.delivery_accept(actor=request.user, delivery=delivery)
        else:
            delivery = svc.delivery_return(actor=request.user, delivery=delivery,
                                           reason=self.text("reason"))
        return Response({"id": delivery.pk, "status": delivery.status,
                         "on_time": delivery.on_time})


# --- selection methods, under /api/v1/projects/<id>/ ----------------------------------------


def _project(pk) -> Project:
    return _obj(Project, pk, _("No such project."))


class DrawRun(_Action):
    @extend_schema(summary="Run the random draw (reveals the seed)", request=None,
                   responses=dict)
    def post(self, request, pk):
        return self.done(methods.draw_run(actor=request.user, project=_project(pk)), 201)


class QuoteSubmit(_Action):
    @extend_schema(summary="Submit the single sealed quote (agency)", request=dict,
                   responses=dict)
    def post(self, request, pk):
        signup = methods.quote_submit(actor=request.user, project=_project(pk),
                                      quote=request.data.get("quote", ""))
        return Response({"detail": _("Your sealed quote is recorded."),
                         "quoted_at": signup.quoted_at.isoformat()}, status=201)


class QuotesOpen(_Action):
    @extend_schema(summary="Open the sealed quotes (average-price comparison)", request=None,
                   responses=dict)
    def post(self, request, pk):
        return self.done(methods.quotes_open(actor=request.user, project=_project(pk)), 201)


class ScoreEnter(_Action):
    @extend_schema(summary="Enter an evaluator's scores for a sign-up", request=dict,
                   responses=dict)
    def post(self, request, pk):
        project = _project(pk)
        signup_id = request.data.get("signup")
        signup = SignUp.objects.filter(project=project, pk=signup_id).first() \
            if str(signup_id).isdigit() else None
        if signup is None:
            raise ValidationFailed(_("Name a sign-up of this project."), field="signup")
        score = methods.evaluation_score_enter(
            actor=request.user, signup=signup, evaluator=self.text("evaluator"),
            price_score=request.data.get("price_score", ""),
            quality_score=request.data.get("quality_score", ""))
        return Response({"id": score.pk, "evaluator": score.evaluator,
                         "price_score": str(score.price_score),
                         "quality_score": str(score.quality_score)}, status=201)


class EvaluationRun(_Action):
    @extend_schema(summary="Complete the comprehensive evaluation", request=None,
                   responses=dict)
    def post(self, request, pk):
        return self.done(methods.evaluation_run(actor=request.user, project=_project(pk)), 201)


class DirectPick(_Action):
    @extend_schema(summary="Direct selection: pick an agency offering the item", request=dict,
                   responses=dict)
    def post(self, request, pk):
        agency = _obj(Agency, request.data.get("agency"), _("No such agency."))
        return self.done(methods.direct_pick(actor=request.user, project=_project(pk),
                                             agency=agency), 201)
