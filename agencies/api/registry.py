"""Agency API: the public directory (same filters as the directory page), self-registration
(R1), the public profile, profile and offer edits by the agency itself.

Views parse, call one service and render; the rules live in ``agencies.services.registry``."""
from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.api.serializers import (
    AgencyDetailSerializer,
    AgencyListSerializer,
    AgencyRegistrationSerializer,
    AgencyUpdateSerializer,
    OfferSerializer,
    OfferSetSerializer,
    RegisteredAgencySerializer,
)
from agencies.filters import AgencyFilter, public_items
from agencies.models import Agency
from agencies.permissions import EDIT_AGENCY, VIEW_CONTACTS
from agencies.selectors.directory import (
    DirectoryPaginator,
    agency_directory_queryset,
    agency_profile,
    offers_of,
)
from agencies.services.registry import (
    OfferInput,
    agency_offer_remove,
    agency_offer_set,
    agency_register,
    agency_update,
)
from core.api import API_PARSERS, StandardPagination
from core.catalogue import category_by_id_or_slug
from core.errors import NotFound, ValidationFailed
from core.permissions import has_perm, require_perm
from core.widgets import RegionCodeFormField


@extend_schema_field(OpenApiTypes.INT)
class ItemIdFilter(django_filters.ModelChoiceFilter):
    """A catalogue item by id (typed for the schema)."""


@extend_schema_field(OpenApiTypes.STR)
class RegionCodeFilter(django_filters.Filter):
    """A current region by its code (an unknown or abolished code is a 400 naming it)."""

    field_class = RegionCodeFormField


class AgencyApiFilter(AgencyFilter):
    """The directory page's filters, with the identifiers an integrator has at hand: a region
    by its code and a category by id or slug."""

    item = ItemIdFilter(
        label=gettext_lazy("Service item"), queryset=lambda request: public_items(),
        method="filter_item", help_text=gettext_lazy("Catalogue item id: agencies offering it."))
    region = RegionCodeFilter(
        label=gettext_lazy("Region served"), method="filter_region",
        help_text=gettext_lazy(
            "Region code at any level (GB/T 2260: province 420000, city 420100, county "
            "420111): agencies registered there or under it, serving it, a region above it or "
            "under it, or serving everywhere."))
    category = django_filters.CharFilter(
        method="filter_category_id_or_slug",
        help_text=gettext_lazy("Catalogue category id or slug, sub-categories included."))

    def filter_category_id_or_slug(self, queryset, name, value):
        if not (value or "").strip():
            return queryset
        return self.filter_category(queryset, name, category_by_id_or_slug(value))


class DirectoryPagination(StandardPagination):
    """The API's pages, loaded as the directory page loads them."""

    django_paginator_class = DirectoryPaginator


def _editable(request, pk: int) -> Agency:
    """The agency, if ``request.user`` may change it (``agencies.edit_agency``, the rule the
    services apply again); refused before the body is read."""
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise NotFound(_("No agency with this id."))
    require_perm(request.user, EDIT_AGENCY, agency)
    return agency


def _profile(pk: int) -> Agency:
    try:
        return agency_profile(pk=pk)
    except Agency.DoesNotExist:
        raise NotFound(_("No agency with this id.")) from None


ERRORS = {
    400: OpenApiResponse(description="Invalid input: `{detail, code, errors: {field: [..]}}`"),
    401: OpenApiResponse(description="Not signed in: `{detail, code}`"),
    403: OpenApiResponse(description="Not allowed: `{detail, code}`"),
    404: OpenApiResponse(description="Not found: `{detail, code}`"),
}


@extend_schema_view(
    get=extend_schema(summary="Agency directory", tags=["agencies"], description=(
        "Listed agencies (good standing or warned), five-star first by default. Filters as on "
        "the directory page; the region filter narrows a listing and never decides "
        "eligibility (R3).")),
    post=extend_schema(
        summary="Register an agency and its account", tags=["agencies"],
        request=AgencyRegistrationSerializer,
        responses={201: RegisteredAgencySerializer, 400: ERRORS[400]},
        description=("Zero threshold (R1): a valid, unregistered unified social credit code, "
                     "contacts and the integrity commitment are all it takes. The agency is "
                     "listed at once; the response carries the new account's API token.")),
)
class AgencyListCreate(generics.ListCreateAPIView):
    permission_classes = [permissions.AllowAny]
    parser_classes = API_PARSERS
    filterset_class = AgencyApiFilter
    pagination_class = DirectoryPagination

    def get_queryset(self):
        return agency_directory_queryset()

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return AgencyRegistrationSerializer
        return AgencyListSerializer

    def create(self, request, *args, **kwargs):
        serializer = AgencyRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = serializer.registration()
        agency = agency_register(registration=registration)
        user = get_user_model().objects.get(username=registration.username.strip())
        token, _created = Token.objects.get_or_create(user=user)
        profile = agency_profile(pk=agency.pk)
        profile.token = token.key
        return Response(RegisteredAgencySerializer(profile, context={"contacts": True}).data,
                        status=status.HTTP_201_CREATED)


def _detail(request, profile) -> dict:
    """The profile as ``request.user`` may see it: personal data only with
    ``agencies.view_contacts`` (agencies/permissions.py)."""
    return AgencyDetailSerializer(profile, context={
        "contacts": has_perm(request.user, VIEW_CONTACTS, profile)}).data


@extend_schema_view(
    get=extend_schema(summary="Agency profile", tags=["agencies"],
                      responses={200: AgencyDetailSerializer, 404: ERRORS[404]}),
    patch=extend_schema(
        summary="Change an agency's profile", tags=["agencies"],
        request=AgencyUpdateSerializer,
        responses={200: AgencyDetailSerializer, **ERRORS},
        description="Only the agency's own accounts may do this."),
)
class AgencyDetail(generics.GenericAPIView):
    serializer_class = AgencyDetailSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    parser_classes = API_PARSERS

    def get(self, request, pk: int):
        return Response(_detail(request, _profile(pk)))

    def patch(self, request, pk: int):
        agency = _editable(request, pk)
        serializer = AgencyUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes, service_regions = serializer.changes()
        if not changes and service_regions is None:
            raise ValidationFailed(_("Send at least one field to change."))
        agency_update(actor=request.user, agency=agency, changes=changes,
                      service_regions=service_regions)
        return Response(_detail(request, _profile(pk)))


@extend_schema_view(
    put=extend_schema(summary="Set the agency's offer on a catalogue item", tags=["agencies"],
                      request=OfferSetSerializer, responses={200: OfferSerializer, **ERRORS}),
    delete=extend_schema(summary="Withdraw the agency's offer on a catalogue item",
                         tags=["agencies"], request=None,
                         responses={204: None, **ERRORS}),
)
class AgencyOffer(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @staticmethod
    def _item(item_id: int):
        item = public_items().filter(pk=item_id).first()
        if item is None:
            raise NotFound(_("No catalogue item with this id."))
        return item

    def put(self, request, pk: int, item_id: int):
        agency = _editable(request, pk)
        item = self._item(item_id)
        serializer = OfferSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        agency_offer_set(actor=request.user, agency=agency, offer=OfferInput(
            item=item, fee=data.get("fee"), commitment=data.get("commitment", ""),
            committed_days=data.get("committed_days")))
        record = offers_of(agency).get(product=item)
        return Response(OfferSerializer(record).data)

    def delete(self, request, pk: int, item_id: int):
        agency = _editable(request, pk)
        agency_offer_remove(actor=request.user, agency=agency, item=self._item(item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
