"""The input checks of the award stage's services: one for uploaded files, one for required text.

Services call them after the permission and state checks, so a refusal names the first thing a
person must change."""
from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

ALLOWED_UPLOAD_EXTENSIONS = (".pdf", ".ofd", ".doc", ".docx", ".jpg", ".jpeg", ".png", ".zip")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def check_file(file, field: str = "file") -> None:
    """A contract or result file: present, of a document type, at most 20 MB."""
    if not file:
        raise ValidationFailed(_("Choose a file to upload."), field=field)
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(ALLOWED_UPLOAD_EXTENSIONS):
        raise ValidationFailed(
            _("Upload a PDF, OFD, Word, image or ZIP file."), field=field)
    if (getattr(file, "size", 0) or 0) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("The file is larger than 20 MB."), field=field)


def required_text(value, field: str, message) -> str:
    """``value`` stripped; ``ValidationFailed(message)`` on ``field`` when nothing is left."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, field=field)
    return text
