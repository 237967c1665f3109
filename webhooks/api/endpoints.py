"""The caller's organisation's webhook endpoints over the API (docs/architecture.md,
"Webhooks"), its own members only; another organisation's endpoint is 404:

- ``GET|POST /api/v1/webhooks/``: list, create (the answer holds the ``secret``, this once);
- ``GET|PATCH|DELETE /api/v1/webhooks/<id>/``;
- ``POST /api/v1/webhooks/<id>/rotate-secret/``: a new secret, shown this once;
- ``GET /api/v1/webhooks/<id>/deliveries/``: the delivery log with every attempt;
- ``POST /api/v1/webhooks/<id>/test/``: send a ``webhook.ping`` event now.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    API_PARSERS,
    DeclaredQueryParams,
    StandardPagination,
    StrictFieldsMixin,
    TextField,
)
from core.errors import NotAllowed, NotFound
from core.roles import organisation_of
from core.schema import error_responses, page_of
from webhooks.models import Endpoint
from webhooks.selectors.endpoints import endpoint_deliveries, endpoints_of
from webhooks.services.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_ping,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)

MAX_ID = 2**63 - 1
TAGS = ["webhooks"]


class WebhookEndpointOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    event_types = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    active = serializers.BooleanField()
    created = serializers.DateTimeField()


class WebhookEndpointSecretOutput(WebhookEndpointOutput):
    secret = serializers.CharField(help_text=gettext_lazy(
        "The signing secret: shown only now; keep it on the receiving side."))


class WebhookEndpointInput(StrictFieldsMixin, serializers.Serializer):
    url = TextField(max_length=500, help_text=gettext_lazy("An https:// URL."))
    event_types = serializers.ListField(
        child=TextField(max_length=64), max_length=50,
        help_text=gettext_lazy('Notification kinds to receive, or ["*"] for all.'))
    description = TextField(max_length=200, required=False, allow_blank=True, default="")


class WebhookEndpointPatch(StrictFieldsMixin, serializers.Serializer):
    url = TextField(max_length=500, required=False)
    event_types = serializers.ListField(child=TextField(max_length=64), max_length=50,
                                        required=False)
    description = TextField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class WebhookAttemptOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    response_ms = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()


class WebhookDeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    key = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_response_ms = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    payload = serializers.JSONField()
    created = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    attempt_log = WebhookAttemptOutput(many=True)


def _my_organisation(request):
    org = organisation_of(request.user)
    if org is None:
        raise NotAllowed(_("Only a member of an organisation has webhooks."))
    return org


def _my_endpoint(request, pk: int) -> Endpoint:
    org = _my_organisation(request)
    endpoint = (endpoints_of(org).filter(pk=pk).first() if 0 < pk <= MAX_ID else None)
    if endpoint is None:
        raise NotFound(_("No such webhook endpoint."))
    return endpoint


class Endpoints(DeclaredQueryParams, APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="The webhook endpoints of the caller's organisation", tags=TAGS,
                   responses={200: WebhookEndpointOutput(many=True), **error_responses(401, 403)})
    def get(self, request):
        return Response(WebhookEndpointOutput(endpoints_of(_my_organisation(request)), many=True).data)

    @extend_schema(summary="Add a webhook endpoint (the answer shows its secret once)",
                   tags=TAGS, request=WebhookEndpointInput,
                   responses={201: WebhookEndpointSecretOutput, **error_responses(400, 401, 403, 415)})
    def post(self, request):
        org = _my_organisation(request)
        form = WebhookEndpointInput(data=request.data)
        form.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(actor=request.user, organisation=org,
                                           **form.validated_data)
        return Response(WebhookEndpointSecretOutput(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetail(DeclaredQueryParams, APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = API_PARSERS

    @extend_schema(summary="One webhook endpoint", tags=TAGS,
                   responses={200: WebhookEndpointOutput, **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(WebhookEndpointOutput(_my_endpoint(request, pk)).data)

    @extend_schema(summary="Change a webhook endpoint (URL, event types, description, active)",
                   tags=TAGS, request=WebhookEndpointPatch,
                   responses={200: WebhookEndpointOutput, **error_responses(400, 401, 403, 404, 415)})
    def patch(self, request, pk: int):
        endpoint = _my_endpoint(request, pk)
        form = WebhookEndpointPatch(data=request.data)
        form.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(actor=request.user, endpoint=endpoint,
                                           **form.validated_data)
        return Response(WebhookEndpointOutput(endpoint).data)

    @extend_schema(summary="Delete a webhook endpoint and its delivery log", tags=TAGS,
                   request=None, responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, pk: int):
        webhook_endpoint_delete(actor=request.user, endpoint=_my_endpoint(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateSecret(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Replace the endpoint's signing secret (shown once)", tags=TAGS,
                   request=None,
                   responses={200: WebhookEndpointSecretOutput, **error_responses(401, 403, 404)})
    def post(self, request, pk: int):
        endpoint = webhook_endpoint_rotate_secret(actor=request.user,
                                                  endpoint=_my_endpoint(request, pk))
        return Response(WebhookEndpointSecretOutput(endpoint).data)


class EndpointTest(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Send the endpoint a webhook.ping event now", tags=TAGS,
                   request=None,
                   responses={202: WebhookDeliveryOutput, **error_responses(400, 401, 403, 404)})
    def post(self, request, pk: int):
        delivery = webhook_endpoint_ping(actor=request.user, endpoint=_my_endpoint(request, pk))
        return Response(WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


class EndpointDeliveries(DeclaredQueryParams, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="The endpoint's deliveries, newest first, with their attempts",
                   tags=TAGS,
                   parameters=[OpenApiParameter("page", int, description="Page number (from 1).")],
                   responses={200: page_of(WebhookDeliveryOutput), **error_responses(401, 403, 404)},
                   operation_id="v1_webhooks_deliveries_list")
    def get(self, request, pk: int):
        qs = endpoint_deliveries(_my_endpoint(request, pk))
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(WebhookDeliveryOutput(page, many=True).data)
