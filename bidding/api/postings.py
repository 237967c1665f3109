"""Postings API: ``/api/v1/projects/`` (list with the page's filters; POST creates a draft),
``/api/v1/projects/<id>/`` (detail; PATCH changes a draft) and the actions ``publish/``,
``withdraw/``, ``signups/`` (POST signs up, DELETE cancels one's own sign-up).

Views parse, call one service of ``bidding.services.postings`` and render; refusals come back
as ``{"detail", "code", "errors"}`` with a 4xx status (``core.api.exception_handler``).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.api.serializers import RegionCodeField
from agencies.models import Agency
from bidding.api.reviews import PostingReviewSerializer
from bidding.eligibility import eligibility_problems
from bidding.filters import ProjectFilter
from bidding.models import Project, SignUp
from bidding.selectors import projects as selectors
from bidding.selectors import reviews as review_selectors
from bidding.services import postings as services
from bidding.services import signups
from core.api import API_PARSERS, StandardPagination
from core.catalogue import Product
from core.models import Organisation
from core.permissions import has_perm, require_perm
from core.workdays import calendar_basis, calendar_note

ERRORS = {code: OpenApiResponse(description=text) for code, text in (
    (400, "Invalid input or a posting rule refused (reasons by field in `errors`)"),
    (401, "Not signed in"), (403, "Wrong role, not the owner, or not eligible"),
    (404, "No such project"), (409, "Not possible in the project's current state"))}


# --- serializers --------------------------------------------------------------------------------
class RequiredQualificationSerializer(serializers.Serializer):
    entry = serializers.IntegerField(source="entry_id", allow_null=True, help_text=(
        "The catalogue qualification it was picked from (null: an older or reviewed row)."))
    name = serializers.CharField(max_length=200)
    grade = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(max_length=300, allow_blank=True)
    authority = serializers.CharField(source="entry.authority", default=None, allow_null=True)


class RequiredQualificationInSerializer(serializers.Serializer):
    """A row picked from the item's catalogue list by ``entry``
    (``GET /api/v1/statutory-qualifications/?item=<id>``); abolished entries are refused. Only
    a qualification the list lacks is typed (name, grade, legal_basis): it is refused at
    publication unless the regulator's review approved it."""

    entry = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False,
                                     allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    grade = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                        default="")

    def validate(self, attrs):
        if attrs.get("entry") is None and not attrs.get("name", "").strip():
            raise serializers.ValidationError(
                _("Give the catalogue qualification's id (entry), or its name."))
        return attrs


class ProjectAvoidanceSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")
    reason = serializers.CharField()


class ProjectAvoidanceInSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    reason = serializers.CharField(max_length=300)


class ProjectDocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, doc) -> str:
        request = self.context.get("request")
        url = doc.file.url
        return request.build_absolute_uri(url) if request else url


class ProjectListSerializer(serializers.ModelSerializer):
    item_title = serializers.CharField(source="item.title", read_only=True)
    purchaser_name = serializers.CharField(source="purchaser.name", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True, default=None,
                                   allow_null=True, help_text="GB/T 2260 code")
    region_name = serializers.CharField(source="region.name", read_only=True, default=None,
                                        allow_null=True)
    signup_count = serializers.SerializerMethodField(
        help_text="Active sign-ups; null while they are confidential (until sign-up closes; "
                  "regulators see them).")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    def get_signup_count(self, project) -> int | None:
        request = self.context.get("request")
        if not has_perm(getattr(request, "user", None), "bidding.see_signups", project):
            return None
        return project.signup_count

    class Meta:
        model = Project
        fields = ["id", "title", "item", "item_title", "purchaser", "purchaser_name", "region",
                  "region_name", "method", "quote_mode", "amount", "ceiling", "floor", "status",
                  "published_at", "signup_deadline", "selection_at", "signup_count", "url"]


class ProjectDetailSerializer(ProjectListSerializer):
    qualifications = RequiredQualificationSerializer(many=True, read_only=True)
    avoidances = ProjectAvoidanceSerializer(many=True, read_only=True)
    documents = ProjectDocumentSerializer(many=True, read_only=True)
    approval_department_name = serializers.CharField(source="approval_department.name",
                                                     read_only=True, default=None,
                                                     allow_null=True)
    calendar_source = serializers.SerializerMethodField(
        help_text='What the working-day periods rest on: "official" (the State Council\'s '
                  'schedule) or "estimate" (the statutory holidays, without make-up days).')
    calendar_note = serializers.SerializerMethodField(
        help_text="The same, as the sentence the project page shows.")
    review = serializers.SerializerMethodField(
        help_text="The regulator's review of a flagged requirement (pending, approved or "
                  "refused, with its statement), or null.")

    @extend_schema_field(PostingReviewSerializer(allow_null=True))
    def get_review(self, project):
        review = review_selectors.current_review(project)
        return PostingReviewSerializer(review).data if review is not None else None

    def get_calendar_source(self, project) -> str:
        return calendar_basis(project.signup_deadline, project.selection_at)

    def get_calendar_note(self, project) -> str:
        return calendar_note(project.signup_deadline, project.selection_at)
    # Commit–reveal draw (bidding/draw.py): the platform's commitment, published at publication.
    draw_platform_commitment = serializers.CharField(source="draw.commitment", read_only=True,
                                                     default=None, allow_null=True)
    draw_committed_at = serializers.DateTimeField(source="draw.committed_at", read_only=True,
                                                  default=None, allow_null=True)
    draw_reveal_ends_at = serializers.DateTimeField(source="draw.reveal_ends_at",
                                                    read_only=True, default=None,
                                                    allow_null=True)

    class Meta(ProjectListSerializer.Meta):
        fields = ProjectListSerializer.Meta.fields + [
            "investment_code", "approval_case_no", "approval_department",
            "approval_department_name", "scale", "content", "funding", "fiscal_share",
            "budget_line", "service_days", "qualification_mode", "practitioner_count",
            "other_requirements", "step", "price_weight", "quality_weight", "auction_minutes",
            "auction_ends_at", "enquiry_phone", "complaint_phone", "status_reason",
            "draw_commitment", "draw_platform_commitment", "draw_committed_at",
            "draw_reveal_ends_at", "qualifications", "avoidances", "documents",
            "calendar_source", "calendar_note", "review"]
        # ``draw_seed`` and the platform's secret are never here: the draw reveals them
        # (bidding.services.draws). ``draw_commitment`` is the legacy scheme's.


class ProjectWriteSerializer(serializers.ModelSerializer):
    """The posting fields of ``services.postings.EDITABLE_FIELDS`` plus the two lists."""

    item = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    approval_department = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.APPROVAL), required=False,
        allow_null=True)
    region = RegionCodeField(required=False, allow_null=True, help_text=(
        "Where the project is, by its GB/T 2260 code at any level (e.g. 420111 洪山区); an "
        "unknown or abolished code is refused by name."))
    qualifications = RequiredQualificationInSerializer(many=True, required=False)
    avoidances = ProjectAvoidanceInSerializer(many=True, required=False)

    class Meta:
        model = Project
        fields = list(services.EDITABLE_FIELDS) + ["qualifications", "avoidances"]

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        out = {"fields": {k: v for k, v in data.items()
                          if k not in ("qualifications", "avoidances")}}
        if "qualifications" in data:
            out["qualifications"] = data["qualifications"]
        if "avoidances" in data:
            out["avoidances"] = data["avoidances"]
        return out


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


class SignUpInSerializer(serializers.Serializer):
    practitioners = serializers.ListField(child=serializers.IntegerField(), required=False,
                                          default=list)
    draw_commitment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, trim_whitespace=True,
        help_text="Random draw: sha256 (64 hex) of the contribution you keep and reveal after "
                  "sign-up closes (bidding/draw.py).")


class ProjectSignUpSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    practitioners = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SignUp
        fields = ["id", "project", "agency", "agency_name", "status", "label", "practitioners",
                  "created"]


class SignUpStateOutSerializer(serializers.Serializer):
    """``GET signups/``: the agency's sign-up (or null) and why it may not sign up."""

    signup = ProjectSignUpSerializer(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())


# --- views --------------------------------------------------------------------------------------
def _project(pk, request) -> Project:
    return selectors.project_detail(pk=pk, viewer=request.user)


def _detail(project_pk, request) -> dict:
    project = _project(project_pk, request)
    return ProjectDetailSerializer(project, context={"request": request}).data


class ProjectListCreate(generics.ListCreateAPIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = ProjectFilter
    pagination_class = StandardPagination
    parser_classes = API_PARSERS

    def get_queryset(self):
        return selectors.project_list(viewer=self.request.user)

    def get_serializer_class(self):
        return ProjectWriteSerializer if self.request.method == "POST" else ProjectListSerializer

    @extend_schema(summary="Create a draft posting (purchasers)", request=ProjectWriteSerializer,
                   responses={201: ProjectDetailSerializer, **ERRORS})
    def post(self, request, *args, **kwargs):
        serializer = ProjectWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_create(actor=request.user, **serializer.service_kwargs())
        return Response(_detail(project.pk, request), status=status.HTTP_201_CREATED)


class ProjectDetail(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    parser_classes = API_PARSERS

    @extend_schema(summary="A posting with its qualifications, avoidances and documents",
                   responses={200: ProjectDetailSerializer, 404: ERRORS[404]})
    def get(self, request, pk: int):
        return Response(_detail(pk, request))

    @extend_schema(summary="Change a draft (its owner)", request=ProjectWriteSerializer,
                   responses={200: ProjectDetailSerializer, **ERRORS})
    def patch(self, request, pk: int):
        project = _project(pk, request)
        serializer = ProjectWriteSerializer(project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.project_update(actor=request.user, project=project,
                                **serializer.service_kwargs())
        return Response(_detail(pk, request))


class ProjectPublish(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Publish a draft (all posting rules checked)", request=None,
                   responses={200: ProjectDetailSerializer, **ERRORS})
    def post(self, request, pk: int):
        services.project_publish(actor=request.user, project=_project(pk, request))
        return Response(_detail(pk, request))


class ProjectWithdraw(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Withdraw before selection, with a public reason",
                   request=WithdrawSerializer, responses={200: ProjectDetailSerializer, **ERRORS})
    def post(self, request, pk: int):
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.project_withdraw(actor=request.user, project=_project(pk, request),
                                  reason=serializer.validated_data["reason"])
        return Response(_detail(pk, request))


class ProjectSignUps(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Your sign-up, or why you may not sign up (agencies)",
                   responses={200: SignUpStateOutSerializer, **ERRORS})
    def get(self, request, pk: int):
        project = _project(pk, request)
        require_perm(request.user, "bidding.take_part")
        agency = selectors.agency_of_user(request.user)
        state = {"signup": selectors.signup_of(agency=agency, project=project),
                 "problems": eligibility_problems(agency=agency, project=project)}
        return Response(SignUpStateOutSerializer(state).data)

    @extend_schema(summary="Sign up (agencies; practitioners by id when asked)",
                   request=SignUpInSerializer, responses={201: ProjectSignUpSerializer, **ERRORS})
    def post(self, request, pk: int):
        serializer = SignUpInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signup = signups.signup_create(
            actor=request.user, project=_project(pk, request),
            practitioners=serializer.validated_data["practitioners"],
            draw_commitment=serializer.validated_data["draw_commitment"])
        return Response(ProjectSignUpSerializer(signup).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Cancel your own sign-up while sign-up is open", request=None,
                   responses={200: ProjectSignUpSerializer, **ERRORS})
    def delete(self, request, pk: int):
        signup = signups.signup_cancel(actor=request.user, project=_project(pk, request))
        return Response(ProjectSignUpSerializer(signup).data)

