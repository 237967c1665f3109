"""The inbox over the API, own data only (another person's notification is 404):

- ``GET /api/v1/notifications/`` (``?unread=1``): one's inbox, newest first, paginated;
- ``GET /api/v1/notifications/unread-count/``: ``{"count": n}``;
- ``POST /api/v1/notifications/<id>/read/``: mark one read (idempotent);
- ``POST /api/v1/notifications/read-all/``: mark all read, ``{"count": how many were}``.

Titles and bodies are rendered in the request's language."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import DeclaredQueryParams, StandardPagination
from core.schema import error_responses, page_of
from notifications.selectors.inbox import inbox_items, unread_count
from notifications.services.inbox import notification_read, notifications_read_all

MAX_ID = 2 ** 63 - 1


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="notification.kind")
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    url = serializers.CharField(source="notification.url")
    object_type = serializers.CharField(source="notification.object_type")
    object_id = serializers.CharField(source="notification.object_id")
    created = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.SerializerMethodField()

    def get_title(self, item) -> str:
        return item.notification.render()[0]

    def get_body(self, item) -> str:
        return item.notification.render()[1]

    def get_unread(self, item) -> bool:
        return item.read_at is None


class ListQuery(serializers.Serializer):
    unread = serializers.ChoiceField(choices=["0", "1"], required=False,
                                     help_text="1: unread ones only")


class CountOutput(serializers.Serializer):
    count = serializers.IntegerField()


class NotificationList(DeclaredQueryParams, APIView):
    permission_classes = [permissions.IsAuthenticated]
    query_params = ("unread",)

    @extend_schema(summary="One's notifications, newest first (filter: unread=1)",
                   parameters=[ListQuery,
                               OpenApiParameter("page", int, description="Page number (from 1).")],
                   responses={200: page_of(NotificationOutput), **error_responses(400, 401)},
                   operation_id="v1_notifications_list")
    def get(self, request):
        query = ListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = inbox_items(request.user, unread=query.validated_data.get("unread") == "1")
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(NotificationOutput(page, many=True).data)


class UnreadCount(DeclaredQueryParams, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="How many of one's notifications are unread",
                   responses={200: CountOutput, **error_responses(401)})
    def get(self, request):
        return Response(CountOutput({"count": unread_count(request.user.pk)}).data)


class NotificationRead(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Mark one notification read", request=None,
                   responses={200: NotificationOutput, **error_responses(401, 404)})
    def post(self, request, pk: int):
        if not 0 < pk <= MAX_ID:
            pk = 0  # NotFound from the service, never an integer overflow
        item = notification_read(actor=request.user, item_id=pk)
        return Response(NotificationOutput(item).data)


class NotificationReadAll(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Mark all one's notifications read", request=None,
                   responses={200: CountOutput, **error_responses(401)})
    def post(self, request):
        return Response(CountOutput({"count": notifications_read_all(actor=request.user)}).data)
