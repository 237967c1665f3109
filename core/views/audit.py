"""The published heads of the audit chain (docs/architecture.md, "Periodic work"): a public
page, a JSON file anyone can keep, and the same list in the API. Whoever kept an old head can
check it against today's chain with ``manage.py audit_verify --heads FILE``; a rewritten
history no longer contains it."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from core.api import StandardPagination
from core.models import AuditHead, PublishedHead


def _heads():
    return PublishedHead.objects.order_by("-date")


@require_safe
def audit_heads(request):
    """/audit/: the daily heads, newest first, with the trail's current length (every
    stream's)."""
    page = Paginator(_heads(), 50).get_page(request.GET.get("page"))
    current = AuditHead.objects.aggregate(n=Sum("count"))["n"] or 0
    return render(request, "core/audit_heads.html", {"page": page, "current": current})


@require_safe
def audit_heads_json(request):
    """/audit/heads.json: every published head, newest first, with its streams' heads (what
    ``audit_verify --heads`` reads)."""
    heads = [{"date": str(h.date), "seq": h.seq, "hash": h.hash, "streams": h.streams,
              "published_at": h.published_at.isoformat()} for h in _heads()]
    response = JsonResponse({"heads": heads}, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'inline; filename="audit-heads.json"'
    return response


class PublishedHeadOutput(serializers.ModelSerializer):
    class Meta:
        model = PublishedHead
        fields = ["date", "seq", "hash", "streams", "published_at"]


@extend_schema(summary="The audit chain's published daily heads, newest first",
               tags=["audit"])
class PublishedHeadList(ListAPIView):
    """GET /api/v1/audit/heads/: the daily heads of the audit chain (the number of events, the
    root hash and each stream's length and newest hash that day), public."""

    permission_classes = [AllowAny]
    serializer_class = PublishedHeadOutput
    pagination_class = StandardPagination
    queryset = PublishedHead.objects.order_by("-date")
