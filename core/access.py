"""Page access by permission and CSV downloads, for every page that needs them."""
from __future__ import annotations

import csv
import functools

from django.contrib.auth.views import redirect_to_login
from django.http import StreamingHttpResponse
from django.shortcuts import render

from core.errors import NotAllowed
from core.permissions import require_perm


def permission_required(name: str):
    """Only signed-in users holding permission ``name``; others are sent to sign in
    (anonymous) or refused with the permission's message (403)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                require_perm(request.user, name)
            except NotAllowed as exc:
                return render(request, "supervision/regulator_forbidden.html",
                              {"message": exc.message}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


regulator_required = permission_required("core.supervise")


def wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


class _Echo:
    """A file-like object whose ``write`` returns the line, for ``csv.writer`` to stream."""

    def write(self, value):
        return value


def csv_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    """A CSV download (``filename``, ``.csv`` added if missing) streamed row by row, in UTF-8
    with a byte-order mark so spreadsheet programs show Chinese correctly; ``None`` is an
    empty cell. The one CSV helper of every export (credit, ratings, supervision)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([str(h) for h in header])
        for row in rows:
            yield writer.writerow(["" if v is None else str(v) for v in row])

    if not filename.endswith(".csv"):
        filename += ".csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
