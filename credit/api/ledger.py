"""Credit API: ``/api/v1/agencies/<id>/credit/`` and ``/api/v1/sanctions/`` (list; regulators
POST to impose, and act on one sanction). Parse, call one selector or service, serialise."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from core.api import DeclaredQueryParams
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
    agency = serializers.IntegerField()
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

    @extend_schema(responses={200: SanctionSerializer(many=True)})
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


class SanctionActionView(APIView):
    """POST ``confirm`` / ``reject`` (reason) / ``lift`` (reason) / ``appeal`` (text) /
    ``decide`` (upheld, decision) on one sanction."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=dict, responses={200: SanctionSerializer},
                   operation_id="v1_sanctions_action")
    def post(self, request, pk: int, action: str):
        d = request.data
        actor = request.user
        if action == "confirm":
            sanction = sanctions.sanction_confirm(actor=actor, sanction=pk)
        elif action == "reject":
            sanction = sanctions.sanction_reject(actor=actor, sanction=pk,
                                                reason=str(d.get("reason", "")))
        elif action == "lift":
            sanction = sanctions.sanction_lift(actor=actor, sanction=pk,
                                              reason=str(d.get("reason", "")))
        elif action == "appeal":
            sanction = sanctions.sanction_appeal(actor=actor, sanction=pk,
                                                text=str(d.get("text", "")))
        elif action == "decide":
            upheld = d.get("upheld") in (True, "true", "1", 1, "yes")
            sanction = sanctions.sanction_appeal_decide(actor=actor, sanction=pk, upheld=upheld,
                                                       decision=str(d.get("decision", "")))
        else:
            return Response({"detail": _("Unknown action."), "code": "not_found"}, status=404)
        return Response(SanctionSerializer(sanction).data)
