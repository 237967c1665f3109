"""``/api/v1/awards/<id>/ratings/``: GET the award's rating (public), POST submit (purchaser)."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidding.models import Award
from ratings.selectors.ratings import rating_list_for_award
from ratings.services.ratings import rating_submit


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField()
    created = serializers.DateTimeField()


class RatingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    award = serializers.IntegerField(source="award_id")
    agency = serializers.IntegerField(source="agency_id")
    purchaser = serializers.CharField(source="purchaser.name")
    quality = serializers.IntegerField()
    timeliness = serializers.IntegerField()
    attitude = serializers.IntegerField()
    fees = serializers.IntegerField()
    conduct = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=3, decimal_places=2)
    comment = serializers.CharField()
    status = serializers.CharField()
    voided_reason = serializers.CharField()
    created = serializers.DateTimeField()
    reply = serializers.SerializerMethodField()

    def get_reply(self, obj) -> dict | None:
        reply = getattr(obj, "reply", None)  # RelatedObjectDoesNotExist is an AttributeError
        return ReplySerializer(reply).data if reply is not None else None


class RatingInputSerializer(serializers.Serializer):
    quality = serializers.IntegerField(min_value=1, max_value=5)
    timeliness = serializers.IntegerField(min_value=1, max_value=5)
    attitude = serializers.IntegerField(min_value=1, max_value=5)
    fees = serializers.IntegerField(min_value=1, max_value=5)
    conduct = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AwardRatingsView(APIView):
    @extend_schema(responses=RatingSerializer(many=True))
    def get(self, request, award_id: int):
        award = get_object_or_404(Award, pk=award_id)
        return Response(RatingSerializer(rating_list_for_award(award=award), many=True).data)

    @extend_schema(request=RatingInputSerializer, responses={201: RatingSerializer})
    def post(self, request, award_id: int):
        award = get_object_or_404(Award, pk=award_id)
        data = RatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = rating_submit(actor=request.user, award=award, **data.validated_data)
        return Response(RatingSerializer(rating_list_for_award(award=award).get(pk=rating.pk)).data,
                        status=status.HTTP_201_CREATED)
