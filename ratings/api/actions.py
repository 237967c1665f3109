"""What the rating pages can do, over the API (issue 8, "Schema"): the rated agency replies to or
appeals a rating, a regulator voids a rating or decides an appeal. Each endpoint calls the same
service as its page (``ratings/services/ratings.py``) and answers with what it changed; refusals
are the services' errors (docs/conventions.md, "One error family")."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import API_PARSERS, StrictFieldsMixin, TextField
from core.errors import NotFound
from core.schema import error_responses
from ratings.api.ratings import RatingSerializer
from ratings.models import Rating, RatingAppeal
from ratings.selectors.ratings import rating_list_for_award
from ratings.services import ratings as services

ERRORS = error_responses(400, 401, 403, 404, 409, 415)
MAX_ID = 2**63 - 1


class ReplyInput(StrictFieldsMixin, serializers.Serializer):
    text = TextField(max_length=2000, help_text=_("The public reply."))


class ReasonInput(StrictFieldsMixin, serializers.Serializer):
    reason = TextField(max_length=4000, help_text=_("The reason (public)."))


class AppealDecideInput(StrictFieldsMixin, serializers.Serializer):
    uphold = serializers.BooleanField(help_text=_("true voids the rating; false keeps it."))
    decision = TextField(max_length=4000, help_text=_("The public reasons of the decision."))


class RatingReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(source="rating_id")
    text = serializers.CharField()
    created = serializers.DateTimeField()


class RatingAppealOutput(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(source="rating_id")
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=RatingAppeal.Status.choices)
    decision = serializers.CharField()
    created = serializers.DateTimeField()


def _pk(model, pk: int, message):
    """The primary key of an existing row (bounded, so a huge number is a 404, not a 500)."""
    if not 0 < pk <= MAX_ID or not model.objects.filter(pk=pk).exists():
        raise NotFound(message)
    return pk


def _rating_out(rating_id: int) -> Response:
    rating = Rating.objects.get(pk=rating_id)
    return Response(RatingSerializer(rating_list_for_award(award=rating.award)
                                     .get(pk=rating_id)).data)


class _Action(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS
    input_class: type[serializers.Serializer]

    def input(self) -> dict:
        form = self.input_class(data=self.request.data)
        form.is_valid(raise_exception=True)
        return form.validated_data


class RatingReplyView(_Action):
    input_class = ReplyInput

    @extend_schema(summary="Reply publicly to a rating, once (the rated agency)",
                   request=ReplyInput, responses={201: RatingReplyOutput, **ERRORS},
                   tags=["ratings"])
    def post(self, request, pk: int):
        rating = _pk(Rating, pk, _("This rating does not exist."))
        reply = services.rating_reply(actor=request.user, rating=rating, **self.input())
        return Response(RatingReplyOutput(reply).data, status=status.HTTP_201_CREATED)


class RatingAppealView(_Action):
    input_class = ReasonInput

    @extend_schema(summary="Appeal a rating to the regulator, once (the rated agency)",
                   request=ReasonInput, responses={201: RatingAppealOutput, **ERRORS},
                   tags=["ratings"])
    def post(self, request, pk: int):
        rating = _pk(Rating, pk, _("This rating does not exist."))
        appeal = services.rating_appeal(actor=request.user, rating=rating, **self.input())
        return Response(RatingAppealOutput(appeal).data, status=status.HTTP_201_CREATED)


class RatingVoidView(_Action):
    input_class = ReasonInput

    @extend_schema(summary="Void a rating with a public reason (regulators)",
                   request=ReasonInput, responses={200: RatingSerializer, **ERRORS},
                   tags=["ratings"])
    def post(self, request, pk: int):
        rating = _pk(Rating, pk, _("This rating does not exist."))
        services.rating_void(actor=request.user, rating=rating, **self.input())
        return _rating_out(rating)


class RatingAppealDecideView(_Action):
    input_class = AppealDecideInput

    @extend_schema(summary="Decide a rating appeal: uphold (void the rating) or reject "
                           "(regulators)",
                   request=AppealDecideInput, responses={200: RatingAppealOutput, **ERRORS},
                   tags=["ratings"])
    def post(self, request, pk: int):
        appeal = _pk(RatingAppeal, pk, _("This appeal does not exist."))
        data = self.input()
        appeal = services.rating_appeal_decide(actor=request.user, appeal=appeal, **data)
        return Response(RatingAppealOutput(appeal).data)
