"""``/api/v1/inspections/``: random inspections, public (一公开). Findings appear once published."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from credit.models import Inspection, InspectionFinding


class FindingSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name")
    agency_uscc = serializers.CharField(source="agency.uscc")

    class Meta:
        model = InspectionFinding
        fields = ["rank", "agency", "agency_name", "agency_uscc", "result", "points", "note",
                  "recorded_at"]


class InspectionSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.title", default=None, allow_null=True)
    region = serializers.CharField(source="region.name", default=None, allow_null=True)
    seed = serializers.SerializerMethodField()
    inspectors = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    computation = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "title", "status", "item", "region", "grade", "agency_count",
                  "inspector_count", "source", "commitment", "seed", "created", "drawn_at",
                  "published_at", "inspectors", "findings", "computation"]

    def get_seed(self, obj) -> str | None:
        return obj.seed if obj.status != Inspection.Status.COMMITTED else None

    def get_computation(self, obj) -> dict:
        comp = dict(obj.computation)
        if obj.status == Inspection.Status.COMMITTED:
            comp.pop("seed", None)
        return comp

    def get_inspectors(self, obj) -> list[dict]:
        return [{"code": i.code, "name": i.name, "department": i.department}
                for i in obj.inspectors.all()]

    def get_findings(self, obj) -> list[dict]:
        findings = list(obj.findings.all())
        if obj.status != Inspection.Status.PUBLISHED:
            return [{"rank": f.rank, "agency": f.agency_id, "agency_name": f.agency.name,
                     "agency_uscc": f.agency.uscc} for f in findings]
        return FindingSerializer(findings, many=True).data


class InspectionList(generics.ListAPIView):
    serializer_class = InspectionSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return (Inspection.objects.select_related("item", "region")
                .prefetch_related("inspectors", "findings__agency").order_by("-created"))


@extend_schema(responses=InspectionSerializer)
class InspectionDetail(generics.RetrieveAPIView):
    serializer_class = InspectionSerializer

    def get_queryset(self):
        return (Inspection.objects.select_related("item", "region")
                .prefetch_related("inspectors", "findings__agency"))
