"""Posting reviews over the API (R3, R4): the purchaser's ``POST /api/v1/projects/<id>/review/``
(send a refused draft to the regulator's review with the law and article it relies on), the
regulators' ``GET /api/v1/posting-reviews/`` and ``POST /api/v1/posting-reviews/<id>/decide/``,
and the catalogue's ``GET /api/v1/statutory-qualifications/?item=<id>`` (what a posting for the
item may ask for; ``entry`` of a qualification row is one of these ids). The same services as
the pages (bidding/services/reviews.py)."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidding.models import PostingReview
from bidding.selectors import projects as project_selectors
from bidding.selectors import reviews as sel
from bidding.services import reviews as svc
from core.api import API_PARSERS, StrictFieldsMixin, TextField
from core.errors import ValidationFailed
from core.models import StatutoryQualification
from core.permissions import require_perm
from core.schema import error_responses

MAX_ID = 2**63 - 1


class FlaggedSerializer(serializers.Serializer):
    field = serializers.CharField()
    phrase = serializers.CharField()
    rule = serializers.CharField(default="")
    category = serializers.CharField(default="")
    message = serializers.CharField(default="")


class PostingReviewSerializer(serializers.ModelSerializer):
    project_title = serializers.CharField(source="project.title", read_only=True)
    flagged = FlaggedSerializer(many=True, read_only=True)
    phrases = serializers.ListField(child=serializers.CharField(), read_only=True)
    statement = serializers.CharField(
        read_only=True, help_text="The sentence the posting page shows, e.g. "
                                  "经监管部门审核同意：“…”，依据《…》第…条。")

    class Meta:
        model = PostingReview
        fields = ["id", "project", "project_title", "status", "legal_basis", "explanation",
                  "flagged", "phrases", "created", "decided_at", "decision_reason", "statement"]


class ReviewRequestInput(StrictFieldsMixin, serializers.Serializer):
    legal_basis = TextField(max_length=300, help_text="The law or regulation and the article, "
                                                      "e.g. 《中华人民共和国测绘法》第二十七条.")
    explanation = TextField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewDecisionInput(StrictFieldsMixin, serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    reason = TextField(max_length=2000, help_text="Public.")


class StatutoryQualificationSerializer(serializers.ModelSerializer):
    abolished = serializers.BooleanField(read_only=True)

    class Meta:
        model = StatutoryQualification
        fields = ["id", "item", "name", "grade", "legal_basis", "authority", "abolished",
                  "abolished_by", "abolished_on"]


class ProjectReviewRequest(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Send a refused draft to the regulator's review (its purchaser)",
                   request=ReviewRequestInput,
                   responses={201: PostingReviewSerializer,
                              **error_responses(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        serializer = ReviewRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_selectors.project_detail(pk=pk, viewer=request.user)
        review = svc.posting_review_request(actor=request.user, project=project,
                                            **serializer.validated_data)
        return Response(PostingReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class PostingReviewList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Posting reviews waiting for a decision, then the recent decisions "
                           "(regulators)",
                   responses={200: PostingReviewSerializer(many=True),
                              **error_responses(401, 403)})
    def get(self, request):
        require_perm(request.user, "core.supervise")
        rows = list(sel.review_queue()) + list(sel.recent_decisions())
        return Response(PostingReviewSerializer(rows, many=True).data)


class PostingReviewDecide(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Approve or refuse a posting review, with a public reason "
                           "(regulators)", request=ReviewDecisionInput,
                   responses={200: PostingReviewSerializer,
                              **error_responses(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        serializer = ReviewDecisionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = svc.posting_review_decide(actor=request.user, review=pk,
                                           approve=data["decision"] == "approve",
                                           reason=data["reason"])
        return Response(PostingReviewSerializer(review).data)


class StatutoryQualificationList(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="The qualifications the law requires for a catalogue item",
                   parameters=[OpenApiParameter("item", int, required=True,
                                                description="The service item's id.")],
                   responses={200: StatutoryQualificationSerializer(many=True),
                              **error_responses(400)})
    def get(self, request):
        raw = request.query_params.get("item", "")
        if not raw.isdigit() or int(raw) > MAX_ID:
            raise ValidationFailed(_("Give the service item's id."), field="item")
        rows = sel.item_qualifications(int(raw))
        return Response(StatutoryQualificationSerializer(rows, many=True).data)
