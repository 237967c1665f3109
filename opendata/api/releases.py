"""The OCDS API (docs/architecture.md, "Open data"): a release package of the releases, filtered
and paginated, with ``links.next`` as OCDS packages carry it, and the record package of one
ocid. Public and read-only."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import refuse_unknown_query_params
from core.errors import NotFound
from opendata.ocds import record_from_rows, record_package, release_package
from opendata.selectors.releases import releases_filtered, releases_of


class ReleaseFilterSerializer(serializers.Serializer):
    """The list's filters (shape only; the selector parses and refuses bad values)."""

    since = serializers.CharField(required=False, allow_blank=True, help_text=(
        "Releases dated on or after this ISO 8601 date or date-time."))
    until = serializers.CharField(required=False, allow_blank=True, help_text=(
        "Releases dated up to this ISO 8601 date (the whole day) or date-time."))
    item = serializers.CharField(required=False, allow_blank=True,
                                 help_text="Catalogue item id.")
    region = serializers.CharField(required=False, allow_blank=True, help_text=(
        "Project location: a GB/T 2260 region code at any level, regions under it included."))
    method = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Selection method (live_bidding, random_draw, …).")
    status = serializers.CharField(required=False, allow_blank=True,
                                   help_text="The project's current status.")


class ReleasePagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


PACKAGE = OpenApiResponse(response=OpenApiTypes.OBJECT, description=(
    "An OCDS 1.1 release package (`uri`, `publisher`, `license`, `publicationPolicy`, "
    "`publishedDate`, `version`, `extensions`, `releases`, `links.next`/`links.prev`)."))
ERROR_400 = OpenApiResponse(description="Invalid filter: `{detail, code, errors}`")
ERROR_404 = OpenApiResponse(description="Unknown ocid: `{detail, code}`")


class ReleaseList(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="OCDS releases", tags=["open data"],
        parameters=[ReleaseFilterSerializer,
                    OpenApiParameter("page", OpenApiTypes.INT, description="Page number."),
                    OpenApiParameter("page_size", OpenApiTypes.INT,
                                     description="Releases per page (at most 500).")],
        responses={200: PACKAGE, 400: ERROR_400,
                   404: OpenApiResponse(description="No such page: `{detail, code}`")},
        description=("Every project as Open Contracting releases, oldest first: one release "
                     "per public change, never edited afterwards."))
    def get(self, request):
        refuse_unknown_query_params(request, ReleaseFilterSerializer().fields)
        filters = ReleaseFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = releases_filtered(**filters.validated_data)
        paginator = ReleasePagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        package = release_package([row.data for row in page],
                                  uri=request.build_absolute_uri())
        links = {"next": paginator.get_next_link(), "prev": paginator.get_previous_link()}
        package["links"] = {k: v for k, v in links.items() if v}
        if not package["links"]:
            del package["links"]
        return Response(package)


OCID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""What an ocid looks like (ours: ``ocds-xxxxxx-zjmp-12``); anything else is unknown, unread."""


class RecordDetail(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(summary="OCDS record of one contracting process", tags=["open data"],
                   responses={200: OpenApiResponse(response=OpenApiTypes.OBJECT, description=(
                       "An OCDS 1.1 record package with one record: the linked releases and "
                       "the compiled release.")), 400: ERROR_400, 404: ERROR_404})
    def get(self, request, ocid: str):
        refuse_unknown_query_params(request, ())
        rows = releases_of(ocid) if OCID.fullmatch(ocid) else []
        if not rows:
            raise NotFound(_("No contracting process with this ocid."))
        return Response(record_package([record_from_rows(rows)],
                                       uri=request.build_absolute_uri()))
