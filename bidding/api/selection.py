"""JSON API of the selection methods other than live bidding, under ``/api/v1/projects/<id>/``
(docs/conventions.md, "API"): run the random draw, submit and open sealed quotes, run the
comprehensive evaluation from the drawn panel's scores (the experts score through
``bidding/api/panels.py``), pick directly. Each answers with the award it made
(``bidding.api.awards.AwardDetailOutput``)."""
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
from bidding.services import methods

# --- output serializers -------------------------------------------------------------------------


class QuoteOutput(serializers.Serializer):
    detail = serializers.SerializerMethodField()
    quoted_at = IsoDateTime()

    def get_detail(self, signup) -> str:
        return str(_("Your sealed quote is recorded."))


# --- input serializers --------------------------------------------------------------------------


class QuoteInput(serializers.Serializer):
    quote = RawField(required=False, default="")


class DirectPickInput(serializers.Serializer):
    agency = RawField(required=False, default=None)


class DrawRun(ActionView):
    @extend_schema(summary="Run the random draw (reveals the seed)", request=None,
                   responses={201: AwardDetailOutput})
    def post(self, request, pk):
        return self.award(methods.draw_run(actor=request.user, project=project_or_404(pk)), 201)


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
