"""The public open-data pages (docs/architecture.md, "Open data"): ``/data/`` (what is
published, the licence, the publication policy, the API, the bulk files and the statistics),
the downloads ``/data/files/<name>``, ``/data/stats/<name>.csv`` and ``/data/sanctions.json``."""
from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.access import csv_response
from core.money import format_decimal
from opendata import exports, sanctions
from opendata.selectors import stats


@require_safe
def data_page(request):
    figures = stats.public_stats()
    return render(request, "opendata/data.html", {
        "figures": figures, "tables": figures["tables"], "files": exports.bulk_files(),
        "license_url": settings.OPEN_DATA_LICENSE, "license_name": settings.OPEN_DATA_LICENSE_NAME,
        "flat_months": settings.OPEN_DATA_FLAT_MONTHS, "keep_days": settings.OPEN_DATA_KEEP_DAYS,
    })


@require_safe
def bulk_file(request, name: str):
    """One bulk file, streamed; 404 for any name that is not one of them (no paths)."""
    path = exports.bulk_file_path(name)
    if path is None:
        raise Http404("no such file")
    parsed = exports.parse_name(name)
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=name,
                            content_type=parsed.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _csv_value(value, fmt: str):
    return format_decimal(value) if fmt in ("money", "pct") and value is not None else value


@require_safe
def stats_csv(request, name: str):
    table = stats.stats_table(name)
    if table is None:
        raise Http404("no such statistic")
    formats = [f for _label, f in table.columns]
    rows = ([_csv_value(v, f) for v, f in zip(row, formats)] for row in table.rows)
    return csv_response(f"{name}.csv", [label for label, _f in table.columns], rows)


@require_safe
def sanctions_json(request):
    response = JsonResponse(sanctions.sanctions_document(),
                            json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
