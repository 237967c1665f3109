"""The signed-in agency's invitation subscriptions over the API (采购邀请网上推送): list them,
add a topic in some regions, remove one line. The same services as the "订阅" page
(``agencies/services/subscriptions.py``), the same rule (``agencies.manage_subscriptions``)."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.api.serializers import MAX_LIST, RegionSerializer, regions_by_code
from agencies.filters import public_items
from agencies.models import Agency, Subscription
from agencies.selectors.subscriptions import subscriptions_of
from agencies.services.subscriptions import subscription_add, subscription_remove
from core.api import API_PARSERS, StrictFieldsMixin, TextField
from core.catalogue import Category
from core.errors import NotAllowed, NotFound, ValidationFailed
from core.roles import organisation_of
from core.schema import error_responses

MAX_ID = 2**63 - 1


class SubscriptionSerializer(serializers.ModelSerializer):
    item_title = serializers.CharField(source="item.title", default=None, allow_null=True)
    category_name = serializers.CharField(source="category.name", default=None,
                                          allow_null=True)
    region = RegionSerializer(allow_null=True, help_text=gettext_lazy("Null: everywhere."))

    class Meta:
        model = Subscription
        fields = ["id", "item", "item_title", "category", "category_name", "region", "created"]


class SubscriptionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    item = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True,
        help_text=gettext_lazy("Catalogue item id (see /api/v1/service-items/)."))
    category = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True,
        help_text=gettext_lazy("Catalogue category id; covers its descendants. Give an item "
                               "or a category."))
    regions = serializers.ListField(
        child=TextField(max_length=12), max_length=MAX_LIST, required=False, default=list,
        help_text=gettext_lazy("Region codes at any level (GB/T 2260), each covering what is "
                               "under it; empty means everywhere."))

    def validate_item(self, value):
        if value is None:
            return None
        found = public_items().filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError(_("No such service item in the catalogue."))
        return found

    def validate_category(self, value):
        if value is None:
            return None
        found = Category.objects.filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError(_("No catalogue category with this id."))
        return found

    def validate_regions(self, codes):
        return regions_by_code(codes) if codes else []


def _my_agency(request) -> Agency:
    org = organisation_of(request.user)
    agency = Agency.objects.filter(organisation=org).first() if org is not None else None
    if agency is None:
        raise NotAllowed(_("Only an agency has invitation subscriptions."))
    return agency


class MySubscriptions(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="The signed-in agency's invitation subscriptions",
                   tags=["agencies"], responses={200: SubscriptionSerializer(many=True),
                                                 **error_responses(401, 403)})
    def get(self, request):
        return Response(SubscriptionSerializer(subscriptions_of(_my_agency(request)),
                                               many=True).data)

    @extend_schema(summary="Subscribe the agency to an item or a category in some regions",
                   description="One line per region (none: one line for everywhere); lines "
                               "the agency already has are not doubled.",
                   tags=["agencies"], request=SubscriptionInputSerializer,
                   responses={201: SubscriptionSerializer(many=True),
                              **error_responses(400, 401, 403, 415)})
    def post(self, request):
        agency = _my_agency(request)
        form = SubscriptionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if (data.get("item") is None) == (data.get("category") is None):
            raise ValidationFailed(_("Choose either a service item or a category."),
                                   field="item")
        lines = subscription_add(actor=request.user, agency=agency, item=data.get("item"),
                                 category=data.get("category"), regions=data["regions"])
        return Response(SubscriptionSerializer(lines, many=True).data,
                        status=status.HTTP_201_CREATED)


class MySubscription(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="Remove one of the agency's invitation subscriptions",
                   tags=["agencies"], request=None,
                   responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, pk: int):
        agency = _my_agency(request)
        if not (0 < pk <= MAX_ID and Subscription.objects.filter(agency=agency, pk=pk).exists()):
            raise NotFound(_("No such subscription of this agency."))
        subscription_remove(actor=request.user, agency=agency, subscription_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
