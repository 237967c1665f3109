"""Page access by permission and CSV downloads, for every page that needs them."""
from __future__ import annotations

import csv
import functools
import re
from decimal import Decimal

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


# A cell a spreadsheet would read as a formula (OWASP, "CSV Injection"): it starts with one of
# these. A plain number ("-3.5") is no formula and is left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value) -> str:
    """The text of one CSV cell: ``None`` is empty; text that starts with ``= + - @``, a tab or
    a carriage return is prefixed with an apostrophe so no spreadsheet runs it as a formula
    (an agency may be named ``=HYPERLINK(…)``); numbers are written as they are."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, (int, float, Decimal)) or not text.startswith(_FORMULA_START):
        return text
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text


def csv_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    """A CSV download (``filename``, ``.csv`` added if missing) streamed row by row, in UTF-8
    with a byte-order mark so spreadsheet programs show Chinese correctly; ``None`` is an
    empty cell and formula-like text is neutralised (``csv_cell``). The one CSV helper of
    every export (credit, ratings, supervision)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([csv_cell(h) for h in header])
        for row in rows:
            yield writer.writerow([csv_cell(v) for v in row])

    if not filename.endswith(".csv"):
        filename += ".csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
