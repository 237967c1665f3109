"""Access and export helpers of the regulator's workspace (pages under /regulator/)."""
from __future__ import annotations

import csv
import functools
import io

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render

from marketplace.errors import NotAllowed
from marketplace.roles import Kind, require_kind


def regulator_required(view):
    """Only signed-in regulators; others are sent to sign in (anonymous) or refused (403)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            require_kind(request.user, Kind.REGULATOR)
        except NotAllowed as exc:
            return render(request, "credit/regulator_forbidden.html", {"message": exc.message},
                          status=403)
        return view(request, *args, **kwargs)

    return wrapper


def wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    """A CSV download in UTF-8 with a byte-order mark, so Excel shows Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
