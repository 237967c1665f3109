"""Live bidding over HTTP: the fallback to the WebSocket, same service and same snapshot.

``POST /api/v1/projects/<id>/bids/`` places a bid (``bid_place``); ``GET
/api/v1/projects/<id>/auction/`` returns the snapshot the WebSocket sends on connect (closing
the auction first, through the service ``auction_state``, when its deadline has passed).
Each endpoint has its input and output serializer.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidding.quoting import iso, money
from bidding.selectors.auctions import auction_project
from bidding.services.auctions import auction_state, bid_place

ERRORS = {code: OpenApiResponse(description=text) for code, text in (
    (400, "Invalid bid (not a number, outside ceiling/floor, less than one step better)"),
    (401, "Not signed in"), (403, "Watcher or ineligible agency"), (404, "No such auction"),
    (409, "Bidding not open, already leading, or ended"))}


def _text(**kwargs):
    return serializers.CharField(allow_null=True, **kwargs)


# --- POST bids/ ---------------------------------------------------------------------------------
class BidInSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=32, help_text="Amount in yuan or discount rate in "
                                  "percent, at most two decimals, e.g. \"95000.00\".")


class BidOutSerializer(serializers.Serializer):
    """An accepted bid; ``ends_at`` is the auction's end after it (any anti-sniping extension:
    ``bid.project`` is the row ``bid_place`` locked and saved)."""

    seq = serializers.IntegerField()
    label = serializers.CharField(source="signup.label")
    value = serializers.SerializerMethodField()
    placed_at = serializers.SerializerMethodField()
    ends_at = serializers.SerializerMethodField()

    def get_value(self, bid) -> str:
        return money(bid.value)

    def get_placed_at(self, bid) -> str:
        return iso(bid.placed_at)

    def get_ends_at(self, bid) -> str:
        return iso(bid.project.auction_ends_at)


# --- GET auction/ -------------------------------------------------------------------------------
class LadderRowOutSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    label = serializers.CharField()
    value = serializers.CharField()
    placed_at = serializers.CharField()
    agency = serializers.CharField(required=False, help_text="Only after the close.")


class ViewerOutSerializer(serializers.Serializer):
    role = serializers.CharField()
    label = _text()
    rank = serializers.IntegerField(allow_null=True)
    can_bid = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class WinnerOutSerializer(serializers.Serializer):
    agency = serializers.CharField()
    label = serializers.CharField()
    quote = _text()
    price = _text()


class AwardLinkOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    price = _text()
    url = serializers.CharField()


class ResultOutSerializer(serializers.Serializer):
    status = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    winner = WinnerOutSerializer(allow_null=True)
    award = AwardLinkOutSerializer(allow_null=True)


class AuctionSnapshotOutSerializer(serializers.Serializer):
    """``bidding.selectors.auctions.auction_snapshot``: amounts as strings with two decimals,
    times as ISO 8601 in UTC; anonymous labels until the close, names after it."""

    project = serializers.IntegerField()
    title = serializers.CharField()
    item = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    status_reason = serializers.CharField(allow_blank=True)
    quote_mode = serializers.CharField()
    quote_mode_label = serializers.CharField()
    lower_wins = serializers.BooleanField()
    unit = serializers.CharField()
    ceiling = _text()
    floor = _text()
    step = _text()
    start_value = _text()
    base_amount = _text()
    server_time = serializers.CharField()
    starts_at = _text()
    ends_at = _text()
    open = serializers.BooleanField()
    closed = serializers.BooleanField()
    seq = serializers.IntegerField()
    best = _text()
    best_label = _text()
    bidders = serializers.IntegerField()
    ladder = LadderRowOutSerializer(many=True)
    viewer = ViewerOutSerializer()
    result = ResultOutSerializer(allow_null=True)


# --- views --------------------------------------------------------------------------------------
class AuctionBids(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Place a bid in a live auction (HTTP fallback to the WebSocket)",
                   tags=["auctions"], request=BidInSerializer,
                   responses={201: BidOutSerializer, **ERRORS})
    def post(self, request, pk: int):
        project = auction_project(pk)
        data = BidInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = bid_place(actor=request.user, project=project, value=data.validated_data["value"])
        return Response(BidOutSerializer(bid).data, status=status.HTTP_201_CREATED)


class AuctionState(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="Snapshot of a live auction (same as the WebSocket's on connect)",
                   tags=["auctions"], responses={200: AuctionSnapshotOutSerializer,
                                                 404: ERRORS[404]})
    def get(self, request, pk: int):
        snapshot = auction_state(project_id=pk, user=request.user)
        return Response(AuctionSnapshotOutSerializer(snapshot).data)
