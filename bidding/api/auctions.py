"""Live bidding over HTTP: the fallback to the WebSocket, same service and same snapshot.

``POST /api/v1/projects/<id>/bids/`` places a bid (``bid_place``); ``GET
/api/v1/projects/<id>/auction/`` returns the snapshot the WebSocket sends on connect (and closes
the auction first when its deadline has passed).
"""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidding.selectors.auctions import auction_project, auction_snapshot
from bidding.services.auctions import bid_place, iso, money

ERRORS = {code: OpenApiResponse(description=text) for code, text in (
    (400, "Invalid bid (not a number, outside ceiling/floor, less than one step better)"),
    (401, "Not signed in"), (403, "Watcher or ineligible agency"), (404, "No such auction"),
    (409, "Bidding not open, already leading, or ended"))}


class BidInSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=32, help_text="Amount in yuan or discount rate in "
                                  "percent, at most two decimals, e.g. \"95000.00\".")


class BidOutSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    label = serializers.CharField()
    value = serializers.CharField()
    placed_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


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
        # bid.project is the row bid_place locked and saved: its end includes any extension.
        return Response({"seq": bid.seq, "label": bid.signup.label, "value": money(bid.value),
                         "placed_at": iso(bid.placed_at),
                         "ends_at": iso(bid.project.auction_ends_at)},
                        status=status.HTTP_201_CREATED)


class AuctionState(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="Snapshot of a live auction (same as the WebSocket's on connect)",
                   tags=["auctions"], responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]})
    def get(self, request, pk: int):
        return Response(auction_snapshot(project=pk, user=request.user))
