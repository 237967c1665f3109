"""Two-sided accountability over the API (docs/design.md R9):

- ``/api/v1/awards/<id>/purchaser-rating/``: GET the agency's rating of the purchaser (public, a
  list of zero or one), POST it (the winning agency, after acceptance, once, in the window);
- ``/api/v1/purchaser-ratings/<id>/reply/``: POST the purchaser's public reply (once);
- ``/api/v1/purchasers/<id>/``: GET the public purchaser page (credit, events, ratings,
  projects).

Each calls the same service or selector as its page; refusals are the services' errors."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidding.models import Award
from core.api import API_PARSERS, StrictFieldsMixin, TextField
from core.errors import NotFound
from core.schema import error_responses
from ratings.api.actions import MAX_ID, ReplyInput
from ratings.models import PurchaserRating
from ratings.selectors.purchasers import (
    purchaser_page,
    purchaser_public,
    purchaser_rating_for_award,
)
from ratings.services import purchasers as services


def _award(award_id: int) -> Award:
    award = (Award.objects.select_related("project__purchaser", "agency")
             .filter(pk=award_id).first()) if 0 < award_id <= MAX_ID else None
    if award is None:
        raise NotFound(_("This award does not exist."))
    return award


class PurchaserReplyOutput(serializers.Serializer):
    text = serializers.CharField()
    created = serializers.DateTimeField()


class PurchaserRatingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    award = serializers.IntegerField(source="award_id")
    project = serializers.CharField(source="award.project.title")
    purchaser = serializers.IntegerField(source="purchaser_id")
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")
    clarity = serializers.IntegerField()
    cooperation = serializers.IntegerField()
    fairness = serializers.IntegerField()
    payment = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=3, decimal_places=2)
    comment = serializers.CharField()
    created = serializers.DateTimeField()
    reply = serializers.SerializerMethodField()

    def get_reply(self, obj) -> dict | None:
        reply = getattr(obj, "reply", None)  # RelatedObjectDoesNotExist is an AttributeError
        return PurchaserReplyOutput(reply).data if reply is not None else None


class PurchaserRatingInput(StrictFieldsMixin, serializers.Serializer):
    clarity = serializers.IntegerField(min_value=1, max_value=5)
    cooperation = serializers.IntegerField(min_value=1, max_value=5)
    fairness = serializers.IntegerField(min_value=1, max_value=5)
    payment = serializers.IntegerField(min_value=1, max_value=5)
    comment = TextField(required=False, allow_blank=True, max_length=2000)


class AwardPurchaserRatingView(APIView):
    parser_classes = API_PARSERS

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(summary="The agency's rating of the award's purchaser (zero or one)",
                   responses={200: PurchaserRatingOutput(many=True), **error_responses(404)},
                   tags=["ratings"])
    def get(self, request, award_id: int):
        rating = purchaser_rating_for_award(award=_award(award_id))
        return Response(PurchaserRatingOutput([rating] if rating else [], many=True).data)

    @extend_schema(summary="Rate the purchaser, once, after it accepted the result (the "
                           "winning agency)", request=PurchaserRatingInput,
                   responses={201: PurchaserRatingOutput,
                              **error_responses(400, 401, 403, 404, 409, 415)},
                   tags=["ratings"])
    def post(self, request, award_id: int):
        award = _award(award_id)
        data = PurchaserRatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.purchaser_rating_submit(actor=request.user, award=award, **data.validated_data)
        return Response(PurchaserRatingOutput(purchaser_rating_for_award(award=award)).data,
                        status=status.HTTP_201_CREATED)


class PurchaserRatingReplyView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Reply publicly to an agency's rating, once (the rated purchaser)",
                   request=ReplyInput,
                   responses={201: PurchaserReplyOutput,
                              **error_responses(400, 401, 403, 404, 409, 415)},
                   tags=["ratings"])
    def post(self, request, pk: int):
        if not 0 < pk <= MAX_ID or not PurchaserRating.objects.filter(pk=pk).exists():
            raise NotFound(_("This rating does not exist."))
        form = ReplyInput(data=request.data)
        form.is_valid(raise_exception=True)
        reply = services.purchaser_rating_reply(actor=request.user, rating=pk,
                                                **form.validated_data)
        return Response(PurchaserReplyOutput(reply).data, status=status.HTTP_201_CREATED)


class PurchaserCreditEventOutput(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    source = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    stars = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    reason = serializers.CharField()
    award = serializers.IntegerField(source="award_id", allow_null=True)
    score_after = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class PurchaserProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class PurchaserOutput(serializers.Serializer):
    id = serializers.IntegerField(source="purchaser.pk")
    name = serializers.CharField(source="purchaser.name")
    region = serializers.CharField(source="purchaser.region.name", allow_null=True,
                                   default=None)
    credit_score = serializers.DecimalField(source="credit.score", max_digits=5,
                                            decimal_places=2)
    credit_stars = serializers.IntegerField(source="credit.stars")
    credit_grade = serializers.CharField(source="credit.grade")
    credit_events = serializers.SerializerMethodField()
    rating_count = serializers.IntegerField()
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    ratings = PurchaserRatingOutput(many=True)
    projects = PurchaserProjectOutput(many=True)

    @extend_schema_field(PurchaserCreditEventOutput(many=True))
    def get_credit_events(self, page) -> list[dict]:
        return PurchaserCreditEventOutput([e for e, _c in page.credit.rows], many=True).data


class PurchaserDetailView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="A purchaser's public page: credit with its events, the agencies' "
                           "ratings, its public projects",
                   responses={200: PurchaserOutput, **error_responses(404)}, tags=["ratings"])
    def get(self, request, pk: int):
        return Response(PurchaserOutput(purchaser_page(purchaser_public(pk))).data)
