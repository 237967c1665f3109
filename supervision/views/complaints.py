"""Online complaints (投诉举报): file one (/complaints/new/), the public outcomes and one's own
(/complaints/), one complaint (/complaints/<id>/), the regulator's queue
(/regulator/complaints/) and its decisions. Writes go through supervision.services.complaints.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.views.papers import paper_file_response
from bidding.models import Project
from core.access import csv_response, regulator_required, wants_csv
from core.errors import MarketplaceError
from core.forms import apply_error
from core.permissions import has_perm
from supervision.forms import ComplaintDecisionForm, ComplaintForm
from supervision.models import Complaint
from supervision.selectors import complaints as sel
from supervision.services import complaints as svc


def _target(model, pk):
    return model.objects.filter(pk=pk).first() if pk else None


@login_required
def complaint_new(request):
    initial = {}
    for key in ("project", "agency"):
        value = request.GET.get(key, "")
        if value.isdigit():
            initial[key] = int(value)
    if "agency" in initial and "project" not in initial:
        initial.update(subject=Complaint.Subject.AGENCY, category=Complaint.Category.CONDUCT)
    form = ComplaintForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project, agency = _target(Project, data["project"]), _target(Agency, data["agency"])
        if data["project"] and project is None:
            form.add_error("project", _("No project with this number."))
        if data["agency"] and agency is None:
            form.add_error("agency", _("No agency with this number."))
        if not form.errors:
            try:
                complaint = svc.complaint_file(
                    actor=request.user, subject=data["subject"], category=data["category"],
                    text=data["text"], project=project, agency=agency,
                    attachments=data["attachments"])
            except MarketplaceError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Complaint %(n)s filed; the regulator accepts or "
                                            "refuses it by %(d)s.") % {
                    "n": complaint.number, "d": complaint.accept_by.strftime("%Y-%m-%d")})
                return redirect("supervision:complaint", complaint.pk)
    return render(request, "supervision/complaint_new.html", {
        "form": form, "project": _target(Project, initial.get("project")),
        "agency": _target(Agency, initial.get("agency"))})


def complaint_list(request):
    return render(request, "supervision/complaint_list.html", {
        "public": sel.public_complaints()[:200], "mine": sel.my_complaints(request.user)})


def complaint_detail(request, complaint_id: int):
    complaint = sel.complaint_detail(complaint_id)
    if complaint is None or not sel.visible_to(request.user, complaint):
        raise Http404
    return render(request, "supervision/complaint_detail.html", {
        "c": complaint,
        "see_complainant": has_perm(request.user, "supervision.see_complainant", complaint),
        "can_handle": has_perm(request.user, "supervision.handle_complaint", complaint),
        "decision_form": ComplaintDecisionForm()})


def attachment_file(request, complaint_id: int, attachment_id: int):
    """One file of evidence, for the complainant and the regulator only."""
    complaint = sel.complaint_detail(complaint_id)
    if complaint is None or not has_perm(request.user, "supervision.see_complainant", complaint):
        raise Http404
    attachment = complaint.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return paper_file_response(attachment)


@regulator_required
def regulator_complaints(request):
    queue = sel.complaint_queue(request.user)
    if wants_csv(request):
        return csv_response("complaints", [
            _("Number"), _("Received"), _("Status"), _("About"), _("Category"), _("Project"),
            _("Agency"), _("Region"), _("Due"), _("Working days left")],
            ((c.number, c.created.date(), c.get_status_display(), c.get_subject_display(),
              c.get_category_display(), c.project.title if c.project else "",
              c.agency.name if c.agency else "", c.region.name if c.region else "",
              c.due.date(), c.days_left) for c in queue))
    return render(request, "supervision/regulator_complaints.html", {
        "section": "complaints", "complaints": queue, "decision_form": ComplaintDecisionForm()})


@regulator_required
def complaint_handle(request, complaint_id: int):
    if request.method != "POST":
        return redirect("supervision:complaint", complaint_id)
    form = ComplaintDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("supervision:complaint", complaint_id)
    decision, outcome = form.cleaned_data["decision"], form.cleaned_data["outcome"]
    try:
        if decision == "accept":
            svc.complaint_accept(actor=request.user, complaint=complaint_id)
        elif decision == "not_accept":
            svc.complaint_not_accept(actor=request.user, complaint=complaint_id, reason=outcome)
        else:
            svc.complaint_decide(actor=request.user, complaint=complaint_id,
                                 upheld=decision == "uphold", outcome=outcome)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded."))
    return redirect("supervision:complaint", complaint_id)
