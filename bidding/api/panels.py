"""JSON API of the evaluation panels (docs/conventions.md, "API"): an expert lists its panels,
reads one (the anonymised offers and its own scores) and saves or submits its quality scores;
a regulator replaces the experts who missed the deadline. Who may do what is the services'
``require_perm`` (``bidding.score_panel``, ``bidding.manage_panel``); an expert asking for a
panel it does not sit on gets 404, as on the pages."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bidding.api.awards import ActionView, IsoDateTime, object_or_404
from bidding.models import Panel
from bidding.selectors import panels as sel
from bidding.services import panels

# --- output serializers -------------------------------------------------------------------------


class PanelSeatOutput(serializers.Serializer):
    panel = serializers.IntegerField(source="panel_id")
    project = serializers.IntegerField(source="panel.project_id")
    title = serializers.CharField(source="panel.project.title")
    item = serializers.CharField(source="panel.project.item.title")
    quality_weight = serializers.IntegerField(source="panel.project.quality_weight")
    deadline = IsoDateTime(source="panel.deadline", allow_null=True)
    status = serializers.CharField()
    submitted_at = IsoDateTime(allow_null=True)


class OfferOutput(serializers.Serializer):
    signup = serializers.IntegerField()
    label = serializers.CharField()
    commitment = serializers.CharField()
    committed_days = serializers.IntegerField(allow_null=True)
    qualifications = serializers.ListField(child=serializers.CharField())
    practitioners = serializers.ListField(child=serializers.CharField())
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class PanelOutput(PanelSeatOutput):
    offers = serializers.SerializerMethodField()

    def get_offers(self, seat) -> list[dict]:
        return OfferOutput(sel.anonymised_offers(seat), many=True).data


class PanelStateOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    deadline = IsoDateTime(allow_null=True)


# --- input serializers --------------------------------------------------------------------------

SCORES_MESSAGE = _("Send the scores as an object mapping each bidder to its score.")


class ScoresInput(serializers.Serializer):
    scores = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True),
                                   error_messages={"not_a_dict": SCORES_MESSAGE,
                                                   "required": SCORES_MESSAGE,
                                                   "null": SCORES_MESSAGE})
    submit = serializers.BooleanField(required=False, default=False)


# --- views --------------------------------------------------------------------------------------


class ExpertPanels(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The panels I sit on (expert)", responses=PanelSeatOutput(many=True))
    def get(self, request):
        return Response(PanelSeatOutput(sel.seats_of_expert(request.user), many=True).data)


class ExpertPanel(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="One of my panels: the anonymised offers and my scores (expert)",
                   responses=PanelOutput)
    def get(self, request, pk):
        return Response(PanelOutput(sel.seat_for(request.user, pk)).data)


class PanelScores(ActionView):
    input_class = ScoresInput

    @extend_schema(summary="Save my quality scores as a draft, or submit them (final)",
                   request=ScoresInput, responses=PanelOutput)
    def post(self, request, pk):
        data = self.input()
        panel = object_or_404(Panel, pk, _("No such panel."))
        panels.panel_scores_save(actor=request.user, panel=panel, scores=data["scores"],
                                 submit=data["submit"])
        return Response(PanelOutput(sel.seat_for(request.user, pk)).data)


class PanelReplace(ActionView):
    @extend_schema(summary="Replace the experts who missed the deadline (regulator)",
                   request=None, responses=PanelStateOutput)
    def post(self, request, pk):
        panel = object_or_404(Panel, pk, _("No such panel."))
        return Response(PanelStateOutput(panels.panel_seat_replace(actor=request.user,
                                                                   panel=panel)).data)
