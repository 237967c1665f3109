"""Pages of registration papers: the list with its upload form (the agency), the same list for
regulators and the purchasers of projects the agency signed up for (``agencies.view_papers``),
the file itself, changing dates, withdrawing. Files are never served from MEDIA_URL; only
``paper_file`` sends them, after the permission check."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from agencies.forms import PaperDatesForm, PaperForm
from agencies.models import Agency
from agencies.permissions import EDIT_AGENCY, VIEW_PAPERS
from agencies.selectors.papers import paper_of, papers_expiring, papers_of
from agencies.services import papers as services
from agencies.services.papers import accepted_types_label, paper_body_check
from agencies.views.registry import _forbidden
from core.errors import MarketplaceError, NotAllowed, ValidationFailed
from core.forms import apply_error
from core.permissions import has_perm, permission_message


def paper_file_response(paper) -> FileResponse:
    """The stored file with its stored content type, the original name as an attachment and
    ``nosniff``, so a browser never reinterprets it (shared by the page and the API)."""
    try:
        handle = paper.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file of this paper is missing.")) from None
    response = FileResponse(handle, content_type=paper.content_type, as_attachment=True,
                            filename=paper.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _render(request, agency: Agency, form, *, status: int = 200, error: str = ""):
    today = timezone.localdate()
    papers = list(papers_of(agency))
    for paper in papers:
        paper.state = paper.expiry_state(today)
    return render(request, "agencies/papers.html", {
        "agency": agency, "form": form, "papers": papers, "tab": "papers",
        "may_edit": has_perm(request.user, EDIT_AGENCY, agency),
        "expiring": papers_expiring(agency=agency), "types": accepted_types_label(),
        "upload_error": error,
    }, status=status)


# The body's size is checked before anything reads it, the CSRF check included (which would
# parse a whole oversized upload): csrf_exempt outside, csrf_protect inside, as Django's
# documentation on upload handlers shows.
@csrf_exempt
@login_required
def papers(request, pk: int):
    agency = get_object_or_404(Agency, pk=pk)
    if not has_perm(request.user, VIEW_PAPERS, agency):
        return _forbidden(request, NotAllowed(permission_message(VIEW_PAPERS)), agency)
    if request.method == "POST":
        try:
            paper_body_check(content_length=request.META.get("CONTENT_LENGTH"))
        except ValidationFailed as exc:  # nothing of the body was read: show an empty form
            return _render(request, agency, PaperForm(agency=agency), status=400,
                           error=str(exc))
    return _papers_page(request, agency)


@csrf_protect
def _papers_page(request, agency: Agency):
    if request.method != "POST":
        return _render(request, agency, PaperForm(agency=agency))
    if not has_perm(request.user, EDIT_AGENCY, agency):
        return _forbidden(request, agency=agency)
    form = PaperForm(request.POST, request.FILES, agency=agency)
    if form.is_valid():
        try:
            paper = services.paper_upload(actor=request.user, agency=agency, paper=form.paper(),
                                          upload=form.cleaned_data["file"])
        except NotAllowed as exc:
            return _forbidden(request, exc, agency)
        except MarketplaceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("“%(title)s” is uploaded. Only you, regulators and the "
                                        "purchasers of your projects see it.")
                             % {"title": paper.title})
            return redirect("agencies:papers", pk=agency.pk)
    return _render(request, agency, form, status=400)


@login_required
def paper_file(request, pk: int, paper_pk: int):
    """The file, for those who may see the agency's papers; 404 for everyone else, so the
    address tells an outsider nothing."""
    paper = paper_of(pk, paper_pk)
    if paper is None or not has_perm(request.user, VIEW_PAPERS, paper.agency):
        raise Http404(_("No such paper."))
    return paper_file_response(paper)


@login_required
@require_POST
def paper_dates(request, pk: int, paper_pk: int):
    agency = get_object_or_404(Agency, pk=pk)
    form = PaperDatesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the dates as year-month-day."))
        return redirect("agencies:papers", pk=agency.pk)
    try:
        services.paper_dates_set(actor=request.user, agency=agency, paper_id=paper_pk,
                                 issued_on=form.cleaned_data["issued_on"],
                                 expires_on=form.cleaned_data["expires_on"])
    except NotAllowed as exc:
        return _forbidden(request, exc, agency)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The dates are saved."))
    return redirect("agencies:papers", pk=agency.pk)


@login_required
@require_POST
def paper_withdraw(request, pk: int, paper_pk: int):
    agency = get_object_or_404(Agency, pk=pk)
    try:
        services.paper_withdraw(actor=request.user, agency=agency, paper_id=paper_pk)
    except NotAllowed as exc:
        return _forbidden(request, exc, agency)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The paper is withdrawn."))
    return redirect("agencies:papers", pk=agency.pk)
