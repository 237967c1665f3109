"""Development serving of MEDIA_URL (``DEBUG`` only; production serves public uploads from the
web server). Registration papers (MEDIA_ROOT/papers/) and complaint evidence
(MEDIA_ROOT/complaints/) are never served here, however the path is spelt: only
``agencies/views/papers.py::paper_file`` and ``supervision/views/complaints.py::attachment_file``
send them, after the permission check."""
from __future__ import annotations

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.static import serve

PRIVATE_DIRS = ("papers", "complaints")


def public_media(request, path: str):
    normalised = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    if normalised.split("/", 1)[0] in PRIVATE_DIRS:
        raise Http404("Not found.")
    return serve(request, normalised, document_root=settings.MEDIA_ROOT)
