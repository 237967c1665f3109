"""Online complaints over the API: ``GET/POST /api/v1/complaints/`` (the decided ones, public,
plus one's own; file one), ``GET /api/v1/complaints/<id>/``, and the regulator's
``POST /api/v1/complaints/<id>/handle/`` (accept, not_accept, uphold, dismiss). The same
services as the pages (supervision/services/complaints.py)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from bidding.models import Project
from core.api import API_PARSERS, StandardPagination, StrictFieldsMixin, TextField
from core.errors import NotFound
from core.permissions import has_perm
from core.schema import error_responses
from supervision.models import Complaint
from supervision.selectors import complaints as sel
from supervision.services import complaints as svc

MAX_ID = 2**63 - 1


class ComplaintSerializer(serializers.ModelSerializer):
    project_title = serializers.CharField(source="project.title", default=None, allow_null=True)
    agency_name = serializers.CharField(source="agency.name", default=None, allow_null=True)
    region = serializers.CharField(source="region.code", default=None, allow_null=True)
    complainant = serializers.SerializerMethodField(
        help_text="The complainant's organisation: for the complainant and the regulator only.")

    class Meta:
        model = Complaint
        fields = ["id", "number", "subject", "category", "status", "project", "project_title",
                  "agency", "agency_name", "region", "text", "created", "accept_by",
                  "decide_by", "decided_at", "outcome", "remedy", "complainant"]

    def get_complainant(self, complaint) -> str | None:
        request = self.context.get("request")
        if has_perm(getattr(request, "user", None), "supervision.see_complainant", complaint):
            return complaint.complainant_org.name
        return None


class ComplaintInput(StrictFieldsMixin, serializers.Serializer):
    subject = serializers.ChoiceField(choices=Complaint.Subject.choices)
    category = serializers.ChoiceField(choices=Complaint.Category.choices)
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                       allow_null=True, default=None)
    agency = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      allow_null=True, default=None)
    text = TextField(max_length=5000)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=5,
        help_text=_("Evidence, multipart only: up to 5 PDF, PNG or JPEG files."))

    def validate_project(self, value):
        if value is None:
            return None
        project = Project.objects.filter(pk=value).exclude(status=Project.Status.DRAFT).first()
        if project is None:
            raise serializers.ValidationError(_("No published project with this id."))
        return project

    def validate_agency(self, value):
        if value is None:
            return None
        agency = Agency.objects.filter(pk=value).first()
        if agency is None:
            raise serializers.ValidationError(_("No agency with this id."))
        return agency


class HandleInput(StrictFieldsMixin, serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "not_accept", "uphold", "dismiss"])
    outcome = TextField(max_length=5000, required=False, allow_blank=True, default="",
                        help_text=_("The public reasons (needed for all but accept)."))


class ComplaintList(generics.ListAPIView):
    serializer_class = ComplaintSerializer
    pagination_class = StandardPagination
    parser_classes = API_PARSERS  # JSON, or multipart with the evidence as ``attachments``

    def get_queryset(self):
        mine = self.request.query_params.get("mine") in ("1", "true")
        return sel.my_complaints(self.request.user) if mine else sel.public_complaints()

    @extend_schema(summary="Decided complaints (public), or with mine=1 one's own",
                   tags=["complaints"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="File a complaint (any signed-in organisation)",
                   request=ComplaintInput,
                   responses={201: ComplaintSerializer, **error_responses(400, 401, 403, 409,
                                                                          415)},
                   tags=["complaints"])
    def post(self, request):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        form = ComplaintInput(data=request.data)
        form.is_valid(raise_exception=True)
        complaint = svc.complaint_file(actor=request.user, **form.validated_data)
        return Response(ComplaintSerializer(complaint, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


def _visible(request, pk: int) -> Complaint:
    complaint = sel.complaint_detail(pk) if 0 < pk <= MAX_ID else None
    if complaint is None or not sel.visible_to(request.user, complaint):
        raise NotFound(_("No such complaint."))
    return complaint


class ComplaintDetail(APIView):
    parser_classes = API_PARSERS

    @extend_schema(summary="One complaint (open ones: the complainant and the regulator)",
                   responses={200: ComplaintSerializer, **error_responses(404)},
                   tags=["complaints"])
    def get(self, request, pk: int):
        return Response(ComplaintSerializer(_visible(request, pk),
                                            context={"request": request}).data)


class ComplaintHandle(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Accept, refuse, uphold or dismiss a complaint (the regulator of its "
                           "region)",
                   request=HandleInput,
                   responses={200: ComplaintSerializer, **error_responses(400, 401, 403, 404,
                                                                          409, 415)},
                   tags=["complaints"])
    def post(self, request, pk: int):
        complaint = _visible(request, pk)
        form = HandleInput(data=request.data)
        form.is_valid(raise_exception=True)
        decision, outcome = form.validated_data["decision"], form.validated_data["outcome"]
        if decision == "accept":
            complaint = svc.complaint_accept(actor=request.user, complaint=complaint)
        elif decision == "not_accept":
            complaint = svc.complaint_not_accept(actor=request.user, complaint=complaint,
                                                 reason=outcome)
        else:
            complaint = svc.complaint_decide(actor=request.user, complaint=complaint,
                                             upheld=decision == "uphold", outcome=outcome)
        complaint = sel.complaint_detail(complaint.pk)
        return Response(ComplaintSerializer(complaint, context={"request": request}).data)
