"""Credit API: ``/api/v1/agencies/<id>/credit/`` and ``/api/v1/sanctions/`` (list; regulators
POST to impose, and act on one sanction). Parse, call one selector or service, serialise."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from core.api import DeclaredQueryParams
from core.schema import page_of
from credit.models import CreditEvent, Sanction
from credit.selectors import ledger as selectors
from credit.services import sanctions


class CreditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditEvent
        fields = ["id", "kind", "source", "points", "stars", "occurred_at", "rule_version",
                  "reason", "ref_type", "ref_id", "voided", "voided_reason", "voided_at"]


class SanctionSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Sanction
        fields = ["id", "agency", "agency_name", "kind", "status", "trigger", "reason",
                  "starts_at", "ends_at", "blacklist_until", "confirmed_at", "closed_at",
                  "close_reason", "appeal_status", "appeal_text", "appeal_decision", "created"]


class SanctionImposeSerializer(serializers.Serializer):
    agency = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=Sanction.Kind.choices)
    reason = serializers.CharField(max_length=4000)
    days = serializers.IntegerField(required=False, min_value=1, max_value=3650)


class AgencyCreditView(APIView):
    """An agency's credit: score, grade, stars, standing, the sanction block (if any) and every
    ledger event with its contribution as of today, newest first."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int):
        agency = get_object_or_404(Agency, pk=pk)
        explanation = selectors.credit_explanation(agency)
        result = explanation["result"]
        events = []
        for row in explanation["rows"]:
            data = CreditEventSerializer(row["event"]).data
            data["source_weight"] = round(row["source_factor"], 4)
            data["decay"] = round(row["decay"], 6)
            data["contribution"] = round(row["contribution"], 4)
            events.append(data)
        return Response({
            "agency": agency.pk, "name": agency.name,
            "score": str(agency.credit_score), "grade": agency.credit_grade,
            "stars": agency.credit_stars, "standing": agency.standing,
            "blocked_reason": selectors.sanction_block_reason(agency),
            "as_of": explanation["as_of"], "rule_version": explanation["rule_version"],
            "smoothed_star_average": round(result.smoothed_average, 4),
            "rating_points": round(result.rating_points, 4),
            "other_points": round(result.other_points, 4),
            "events": events,
        })


class SanctionListView(DeclaredQueryParams, APIView):
    """Current sanctions (``?all=1`` for every sanction, ``?agency=<id>``, ``?kind=``).
    POST (regulators): impose a sanction on an agency."""

    query_params = ("kind", "all", "agency")

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[
            OpenApiParameter("all", str, enum=["1"], description="Every sanction, not only "
                             "those in force."),
            OpenApiParameter("agency", int, description="Only this agency's sanctions."),
            OpenApiParameter("kind", str, enum=list(Sanction.Kind.values)),
            OpenApiParameter("page", int, description="Page number (from 1)."),
        ],
        responses={200: page_of(SanctionSerializer)})
    def get(self, request):
        kind = request.query_params.get("kind", "")
        if request.query_params.get("all") == "1":
            qs = selectors.sanctions_all(kind=kind)
        else:
            qs = selectors.sanctions_current(kind=kind)
        agency = request.query_params.get("agency", "")
        if agency.isdigit():
            qs = qs.filter(agency_id=int(agency))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(SanctionSerializer(page, many=True).data)

    @extend_schema(request=SanctionImposeSerializer, responses={201: SanctionSerializer})
    def post(self, request):
        data = SanctionImposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sanction = sanctions.sanction_impose(
            actor=request.user, agency=data.validated_data["agency"],
            kind=data.validated_data["kind"], reason=data.validated_data["reason"],
            days=data.validated_data.get("days"))
        return Response(SanctionSerializer(sanction).data, status=201)


class SanctionReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


class SanctionAppealInput(serializers.Serializer):
    text = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


class SanctionDecideInput(serializers.Serializer):
    upheld = serializers.BooleanField(required=False, default=False)
    decision = serializers.CharField(max_length=4000, allow_blank=True, required=False,
                                     default="")


class SanctionActionView(APIView):
    """POST ``confirm`` / ``reject`` (reason) / ``lift`` (reason) / ``appeal`` (text) /
    ``decide`` (upheld, decision) on one sanction; one route per action (credit/api/urls.py),
    each with its typed body."""

    permission_classes = [permissions.IsAuthenticated]
    action = "confirm"
    INPUTS = {"confirm": None, "reject": SanctionReasonInput, "lift": SanctionReasonInput,
              "appeal": SanctionAppealInput, "decide": SanctionDecideInput}

    def post(self, request, pk: int):
        input_class = self.INPUTS[self.action]
        d = {}
        if input_class is not None:
            form = input_class(data=request.data)
            form.is_valid(raise_exception=True)
            d = form.validated_data
        actor = request.user
        if self.action == "confirm":
            sanction = sanctions.sanction_confirm(actor=actor, sanction=pk)
        elif self.action == "reject":
            sanction = sanctions.sanction_reject(actor=actor, sanction=pk, reason=d["reason"])
        elif self.action == "lift":
            sanction = sanctions.sanction_lift(actor=actor, sanction=pk, reason=d["reason"])
        elif self.action == "appeal":
            sanction = sanctions.sanction_appeal(actor=actor, sanction=pk, text=d["text"])
        else:
            sanction = sanctions.sanction_appeal_decide(
                actor=actor, sanction=pk, upheld=d["upheld"], decision=d["decision"])
        return Response(SanctionSerializer(sanction).data)


def _action_view(action: str, summary: str):
    """The route of one action: a subclass with its own ``post`` (drf-spectacular keeps the
    schema on the function, so each action needs a function of its own)."""
    def post(self, request, pk: int):
        return SanctionActionView.post(self, request, pk)

    post = extend_schema(request=SanctionActionView.INPUTS[action],
                         responses={200: SanctionSerializer}, summary=summary,
                         operation_id=f"v1_sanctions_{action}")(post)
    view = type(f"Sanction{action.title()}View", (SanctionActionView,),
                {"action": action, "post": post})
    return view.as_view()


SANCTION_ACTIONS = {
    "confirm": _action_view("confirm", "Confirm a proposed sanction (regulators)"),
    "reject": _action_view("reject", "Reject a proposed sanction, with a reason (regulators)"),
    "lift": _action_view("lift", "Lift a sanction in force, with a reason (regulators)"),
    "appeal": _action_view("appeal", "Appeal a sanction once (the sanctioned agency)"),
    "decide": _action_view("decide", "Decide an appeal (regulators)"),
}
