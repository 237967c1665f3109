"""JSON API of the selection methods other than live bidding, under ``/api/v1/projects/<id>/``
(docs/conventions.md, "API"): run the random draw and reveal a draw contribution, submit and
open sealed quotes, run the comprehensive evaluation from the drawn panel's scores (the experts
score through ``bidding/api/panels.py``), pick directly. Each answers with the award it made
(``bidding.api.awards.AwardDetailOutput``), the reveal with the contribution."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from agencies.models import Agency
from bidding.api.awards import (
    ActionView,
    AwardDetailOutput,
    IsoDateTime,
    RawField,
    object_or_404,
    project_or_404,
)
from bidding.services import draws, methods

# --- output serializers -------------------------------------------------------------------------


class QuoteOutput(serializers.Serializer):
    detail = serializers.SerializerMethodField()
    quoted_at = IsoDateTime()

    def get_detail(self, signup) -> str:
        return str(_("Your sealed quote is recorded."))


class RevealOutput(serializers.Serializer):
    signup = serializers.IntegerField(source="signup_id")
    commitment = serializers.CharField()
    reveal = serializers.CharField()
    revealed_at = IsoDateTime()
    award = serializers.SerializerMethodField()

    def get_award(self, row) -> int | None:
        """The award, when this reveal was the last one and the draw ran at once."""
        award = row.signup.project.awards.filter(rank=1).first()
        return award.pk if award else None


# --- input serializers --------------------------------------------------------------------------


class QuoteInput(serializers.Serializer):
    quote = RawField(required=False, default="")


class RevealInput(serializers.Serializer):
    contribution = RawField(required=False, default="")


class DirectPickInput(serializers.Serializer):
    agency = RawField(required=False, default=None)


class DrawRun(ActionView):
    @extend_schema(summary="Run the random draw (reveals the platform secret and the seed)", request=None,
                   responses={201: AwardDetailOutput})
    def post(self, request, pk):
        return self.award(draws.draw_run(actor=request.user, project=project_or_404(pk)), 201)


class DrawReveal(ActionView):
    input_class = RevealInput

    @extend_schema(summary="Reveal your agency's draw contribution (after sign-up closes)",
                   request=RevealInput, responses={200: RevealOutput})
    def post(self, request, pk):
        row = draws.draw_contribution_reveal(actor=request.user, project=project_or_404(pk),
                                             **self.input())
        return Response(RevealOutput(row).data, status=200)


class QuoteSubmit(ActionView):
    input_class = QuoteInput

    @extend_schema(summary="Submit the single sealed quote (agency)", request=QuoteInput,
                   responses={201: QuoteOutput})
    def post(self, request, pk):
        project = project_or_404(pk)
        signup = methods.quote_submit(actor=request.user, project=project, **self.input())
        return Response(QuoteOutput(signup).data, status=201)


class QuotesOpen(ActionView):
    @extend_schema(summary="Open the sealed quotes (average-price comparison)", request=None,
                   responses={201: AwardDetailOutput})
    def post(self, request, pk):
        return self.award(methods.quotes_open(actor=request.user, project=project_or_404(pk)), 201)


class EvaluationRun(ActionView):
    @extend_schema(summary="Complete the comprehensive evaluation", request=None,
                   responses={201: AwardDetailOutput})
    def post(self, request, pk):
        return self.award(methods.evaluation_run(actor=request.user, project=project_or_404(pk)), 201)


class DirectPick(ActionView):
    input_class = DirectPickInput

    @extend_schema(summary="Direct selection: pick an agency offering the item",
                   request=DirectPickInput, responses={201: AwardDetailOutput})
    def post(self, request, pk):
        agency = object_or_404(Agency, self.input()["agency"], _("No such agency."))
        return self.award(methods.direct_pick(actor=request.user, project=project_or_404(pk),
                                              agency=agency), 201)
