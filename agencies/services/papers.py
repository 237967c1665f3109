"""Writes of registration papers (营业执照, 资质证书): upload, change of dates, withdrawal. Papers
are evidence, never a gate (R1): nothing here is needed to join or to sign up, but an expired
certificate counts in the eligibility check (docs/design.md, "Registration papers").

A file is accepted by its content, not by its name or the client's content type: a PDF starts
with ``%PDF-`` and ends with ``%%EOF``; a PNG or JPEG is what Pillow recognises and verifies, of
sane dimensions. The limits are ``settings.MARKETPLACE``'s ``PAPER_*`` rules.

Nothing half-saved: the file is written only after every check passed, and deleted again when
the row or its audit event fails (``paper_upload``); a withdrawn paper keeps its row, the audit
trail keeps its hash, and the file is deleted once the withdrawal is committed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from agencies.models import Agency, Paper, Qualification
from agencies.permissions import EDIT_AGENCY
from core.audit import audit_record
from core.errors import Conflict, NotFound, ValidationFailed, from_django_validation
from core.locking import lock
from core.permissions import require_perm

TYPE_LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# Room for the other form fields and the multipart boundaries beside the file itself.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class PaperInput:
    kind: str
    title: str
    number: str = ""
    authority: str = ""
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    qualification_id: int | None = None


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def _rules() -> dict:
    return settings.MARKETPLACE


def too_large_message() -> str:
    return _("The file is larger than the limit of %(limit)s.") % {
        "limit": filesizeformat(_rules()["PAPER_MAX_BYTES"])}


def accepted_types_label() -> str:
    return "、".join(TYPE_LABELS[t] for t in _rules()["PAPER_TYPES"])


def paper_body_check(*, content_length) -> None:
    """Refuse a request body that cannot hold an acceptable paper (its declared length is over
    the file limit plus the form's own fields), before anything of it is parsed or stored."""
    try:
        length = int(content_length or 0)
    except (TypeError, ValueError):
        length = 0
    if length > _rules()["PAPER_MAX_BYTES"] + MULTIPART_OVERHEAD:
        raise ValidationFailed(too_large_message(), field="file", code="too_large")


def _wrong_type() -> ValidationFailed:
    return ValidationFailed(
        _("Only %(types)s files are accepted, recognised by their content (not by the file "
          "name); this file is none of them.") % {"types": accepted_types_label()},
        field="file", code="wrong_type")


def _image_check(upload, expected: str) -> None:
    rules = _rules()
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            found, (width, height) = image.format, image.size
            if {"PNG": "image/png", "JPEG": "image/jpeg"}.get(found) != expected:
                raise _wrong_type()
            low, high = rules["PAPER_IMAGE_MIN_SIDE"], rules["PAPER_IMAGE_MAX_SIDE"]
            if not (low <= min(width, height) and max(width, height) <= high):
                raise ValidationFailed(
                    _("The image is %(w)s × %(h)s pixels; each side must be between %(low)s "
                      "and %(high)s pixels.") % {"w": width, "h": height, "low": low,
                                                 "high": high},
                    field="file", code="bad_dimensions")
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:
        raise ValidationFailed(_("The image cannot be read; it may be damaged or truncated."),
                               field="file", code="unreadable") from exc
    finally:
        upload.seek(0)


def paper_file_check(upload) -> CheckedFile:
    """Check an uploaded file against the ``PAPER_*`` rules and return what it is; reads it
    once (in chunks) for its size and SHA-256. Raises ``ValidationFailed`` on field ``file``."""
    if upload is None:
        raise ValidationFailed(_("Choose the file to upload."), field="file")
    limit = _rules()["PAPER_MAX_BYTES"]
    if upload.size is not None and upload.size > limit:
        raise ValidationFailed(too_large_message(), field="file", code="too_large")
    digest, size, head, tail = hashlib.sha256(), 0, b"", b""
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise ValidationFailed(too_large_message(), field="file", code="too_large")
        digest.update(chunk)
        if len(head) < 16:
            head = (head + chunk)[:16]
        tail = (tail + chunk)[-1024:]
    upload.seek(0)
    if size == 0:
        raise ValidationFailed(_("The file is empty."), field="file", code="empty")
    if head.startswith(PDF_MAGIC):
        content_type = "application/pdf"
    elif head.startswith(PNG_MAGIC):
        content_type = "image/png"
    elif head.startswith(JPEG_MAGIC):
        content_type = "image/jpeg"
    else:
        raise _wrong_type()
    if content_type not in _rules()["PAPER_TYPES"]:
        raise _wrong_type()
    if content_type == "application/pdf":
        if b"%%EOF" not in tail:
            raise ValidationFailed(_("The PDF file is incomplete (it has no end marker)."),
                                   field="file", code="unreadable")
    else:
        _image_check(upload, content_type)
    return CheckedFile(content_type=content_type, size=size, sha256=digest.hexdigest())


def _check_dates(kind: str, issued_on, expires_on) -> None:
    if expires_on is None and kind != Paper.Kind.BUSINESS_LICENCE:
        raise ValidationFailed(_("Give the date this paper is valid until; only a business "
                                 "licence may be long-term."), field="expires_on")
    if issued_on and expires_on and expires_on < issued_on:
        raise ValidationFailed(_("The paper cannot expire before it was issued."),
                               field="expires_on")


def upload_name(upload) -> str:
    """The uploaded file's own name, without any path and unprintable characters."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:255] or "paper"


@transaction.atomic
def paper_upload(*, actor, agency: Agency, paper: PaperInput, upload) -> Paper:
    """Store one paper of ``agency`` (its own members only, ``agencies.edit_agency``).

    Call it as the outermost transaction (pages and the API do): the file it writes is removed
    when this function fails, not when a caller's transaction rolls back later."""
    require_perm(actor, EDIT_AGENCY, agency)
    agency = lock(Agency, agency, missing=_("No such agency."))
    if paper.kind not in Paper.Kind.values:
        raise ValidationFailed(_("Choose the kind of paper."), field="kind")
    if not paper.title.strip():
        raise ValidationFailed(_("Give the paper a title."), field="title")
    qualification = None
    if paper.qualification_id is not None:
        if paper.kind != Paper.Kind.QUALIFICATION:
            raise ValidationFailed(_("Only a qualification certificate proves a "
                                     "qualification."), field="qualification")
        qualification = Qualification.objects.filter(agency=agency,
                                                     pk=paper.qualification_id).first()
        if qualification is None:
            raise ValidationFailed(_("No such qualification on this profile."),
                                   field="qualification")
    _check_dates(paper.kind, paper.issued_on, paper.expires_on)
    checked = paper_file_check(upload)
    row = Paper(agency=agency, kind=paper.kind, qualification=qualification,
                title=paper.title.strip(), number=paper.number.strip(),
                authority=paper.authority.strip(), issued_on=paper.issued_on,
                expires_on=paper.expires_on, original_name=upload_name(upload),
                content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
                uploaded_at=timezone.now())
    try:
        row.full_clean(exclude=["file", "uploaded_by", "agency", "qualification"])
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    row.file.save(row.original_name, upload, save=False)
    try:
        with transaction.atomic():
            row.save()
            audit_record(actor=actor, action="agency.paper_uploaded", obj=agency, data={
                "paper": row.pk, "kind": row.kind, "title": row.title, "number": row.number,
                "qualification": row.qualification_id, "issued_on": row.issued_on,
                "expires_on": row.expires_on, "original_name": row.original_name,
                "content_type": row.content_type, "size": row.size, "sha256": row.sha256})
    except BaseException:
        row.file.storage.delete(row.file.name)
        raise
    return row


def _locked_paper(agency: Agency, paper_id: int) -> Paper:
    paper = lock(Paper, paper_id, missing=_("No such paper on this profile."))
    if paper.agency_id != agency.pk:
        raise NotFound(_("No such paper on this profile."))
    if paper.withdrawn:
        raise Conflict(_("This paper has been withdrawn."))
    return paper


@transaction.atomic
def paper_dates_set(*, actor, agency: Agency, paper_id: int, issued_on,
                    expires_on) -> Paper:
    """Change a paper's issue and expiry dates (a renewal usually comes with a new upload)."""
    require_perm(actor, EDIT_AGENCY, agency)
    paper = _locked_paper(agency, paper_id)
    _check_dates(paper.kind, issued_on, expires_on)
    before = {"issued_on": paper.issued_on, "expires_on": paper.expires_on}
    paper.issued_on, paper.expires_on = issued_on, expires_on
    paper.save(update_fields=["issued_on", "expires_on"])
    audit_record(actor=actor, action="agency.paper_dates_changed", obj=agency, data={
        "paper": paper.pk, "before": before,
        "after": {"issued_on": issued_on, "expires_on": expires_on}})
    return paper


@transaction.atomic
def paper_withdraw(*, actor, agency: Agency, paper_id: int) -> Paper:
    """Withdraw a paper: it is no longer shown nor counted; the row stays (with the file's
    hash) and the file is deleted after commit."""
    require_perm(actor, EDIT_AGENCY, agency)
    paper = _locked_paper(agency, paper_id)
    paper.withdrawn, paper.withdrawn_at = True, timezone.now()
    paper.save(update_fields=["withdrawn", "withdrawn_at"])
    audit_record(actor=actor, action="agency.paper_withdrawn", obj=agency, data={
        "paper": paper.pk, "title": paper.title, "sha256": paper.sha256})
    storage, name = paper.file.storage, paper.file.name
    transaction.on_commit(lambda: storage.delete(name))
    return paper
