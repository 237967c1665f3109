"""Registration papers over the API: the agency lists and uploads its own
(``/agencies/mine/papers/``, multipart), changes a paper's dates or withdraws it; those who may
see an agency's papers (``agencies.view_papers``) list them and fetch their files. The same
services and rules as the pages (``agencies/services/papers.py``)."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency, Paper
from agencies.permissions import VIEW_PAPERS
from agencies.selectors.directory import agency_of_user
from agencies.selectors.papers import paper_of, papers_of
from agencies.services.papers import (
    PaperInput,
    paper_body_check,
    paper_dates_set,
    paper_upload,
    paper_withdraw,
)
from agencies.views.papers import paper_file_response
from core.api import API_PARSERS, StrictFieldsMixin, TextField
from core.errors import NotAllowed, NotFound
from core.permissions import require_perm
from core.schema import error_responses

MAX_ID = 2**63 - 1


class PaperSerializer(serializers.ModelSerializer):
    expiry_state = serializers.SerializerMethodField(
        help_text=_("valid, expiring (within PAPER_EXPIRY_WARNING_DAYS) or expired"))
    file_url = serializers.SerializerMethodField(help_text=_("Where the file is fetched."))

    class Meta:
        model = Paper
        fields = ["id", "kind", "qualification", "title", "number", "authority", "issued_on",
                  "expires_on", "expiry_state", "original_name", "content_type", "size",
                  "sha256", "uploaded_at", "file_url"]

    def get_expiry_state(self, paper: Paper) -> str:
        return paper.expiry_state(timezone.localdate())

    def get_file_url(self, paper: Paper) -> str:
        return reverse("api-agency-paper-file", args=[paper.agency_id, paper.pk])


@extend_schema_field(OpenApiTypes.BINARY)
class _UploadField(serializers.FileField):
    """A file sent in the multipart body (documented as binary: it is input only)."""


class PaperUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    file = _UploadField(allow_empty_file=True, use_url=False,
                                 help_text=_("PDF, PNG or JPEG, checked by its content."))
    kind = serializers.ChoiceField(choices=Paper.Kind.choices)
    title = TextField(max_length=200)
    number = TextField(max_length=64, required=False, allow_blank=True, default="")
    authority = TextField(max_length=200, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None,
                                       help_text=_("Empty only for a long-term business "
                                                   "licence."))
    qualification = serializers.IntegerField(required=False, allow_null=True, default=None,
                                             min_value=1, max_value=MAX_ID)


class PaperDatesSerializer(StrictFieldsMixin, serializers.Serializer):
    issued_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)


def _my_agency(request) -> Agency:
    agency = agency_of_user(request.user)
    if agency is None:
        raise NotAllowed(_("Only an agency has registration papers to manage."))
    return agency


def _visible_agency(request, pk: int) -> Agency:
    agency = Agency.objects.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if agency is None:
        raise NotFound(_("No agency with this id."))
    require_perm(request.user, VIEW_PAPERS, agency)
    return agency


class MyPapers(APIView):
    permission_classes = [permissions.IsAuthenticated]
    # An upload is multipart; the project's JSON parser cannot carry a file.
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Refuse a body too large for any paper before anything parses it (the session
        # authentication's CSRF check would read the whole upload).
        if request.method == "POST":
            paper_body_check(content_length=request.META.get("CONTENT_LENGTH"))
        super().initial(request, *args, **kwargs)

    @extend_schema(summary="The signed-in agency's registration papers (not withdrawn)",
                   tags=["agencies"], responses={200: PaperSerializer(many=True),
                                                 **error_responses(401, 403)})
    def get(self, request):
        return Response(PaperSerializer(papers_of(_my_agency(request)), many=True).data)

    @extend_schema(
        summary="Upload a registration paper (business licence, qualification certificate)",
        description="multipart/form-data. The file is accepted by its content: PDF, PNG or "
                    "JPEG (PAPER_TYPES), at most PAPER_MAX_BYTES, images within "
                    "PAPER_IMAGE_MIN_SIDE..PAPER_IMAGE_MAX_SIDE pixels a side.",
        tags=["agencies"], request={"multipart/form-data": PaperUploadSerializer},
        responses={201: PaperSerializer, **error_responses(400, 401, 403, 415)})
    def post(self, request):
        agency = _my_agency(request)
        form = PaperUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        paper = paper_upload(actor=request.user, agency=agency, upload=data["file"],
                             paper=PaperInput(kind=data["kind"], title=data["title"],
                                              number=data["number"],
                                              authority=data["authority"],
                                              issued_on=data["issued_on"],
                                              expires_on=data["expires_on"],
                                              qualification_id=data["qualification"]))
        return Response(PaperSerializer(paper).data, status=status.HTTP_201_CREATED)


class MyPaper(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    def _paper(self, request, paper_id: int) -> tuple[Agency, Paper]:
        agency = _my_agency(request)
        paper = paper_of(agency.pk, paper_id) if 0 < paper_id <= MAX_ID else None
        if paper is None:
            raise NotFound(_("No such paper on this profile."))
        return agency, paper

    @extend_schema(summary="Change a paper's issue and expiry dates (the agency)",
                   tags=["agencies"], request=PaperDatesSerializer,
                   responses={200: PaperSerializer, **error_responses(400, 401, 403, 404, 409)})
    def patch(self, request, paper_id: int):
        agency, paper = self._paper(request, paper_id)
        form = PaperDatesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        paper = paper_dates_set(actor=request.user, agency=agency, paper_id=paper.pk,
                                issued_on=data.get("issued_on", paper.issued_on),
                                expires_on=data.get("expires_on", paper.expires_on))
        return Response(PaperSerializer(paper).data)

    @extend_schema(summary="Withdraw a registration paper (the agency); the audit trail keeps "
                           "its hash", tags=["agencies"], request=None,
                   responses={204: None, **error_responses(401, 403, 404, 409)})
    def delete(self, request, paper_id: int):
        agency, paper = self._paper(request, paper_id)
        paper_withdraw(actor=request.user, agency=agency, paper_id=paper.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgencyPapers(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="An agency's registration papers (the agency, regulators, the "
                           "purchasers of projects it signed up for)",
                   tags=["agencies"], responses={200: PaperSerializer(many=True),
                                                 **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(PaperSerializer(papers_of(_visible_agency(request, pk)), many=True).data)


class AgencyPaperFile(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="The file of a registration paper, with its stored content type",
                   tags=["agencies"],
                   responses={(200, "application/octet-stream"): OpenApiResponse(
                       OpenApiTypes.BINARY, description="The file (PDF, PNG or JPEG)."),
                       **error_responses(401, 403, 404)})
    def get(self, request, pk: int, paper_id: int):
        agency = _visible_agency(request, pk)
        paper = paper_of(agency.pk, paper_id) if 0 < paper_id <= MAX_ID else None
        if paper is None:
            raise NotFound(_("No such paper."))
        return paper_file_response(paper)
