"""The regulator's workspace (/regulator/…) and the public inspection results (/inspections/).

Every page checks the regulator role (``regulator_required``); every write goes through one
service, which checks it again. Every list can be downloaded with ``?format=csv``.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from agencies.selectors.papers import papers_expiring
from bidding.models import Objection
from bidding.services.objections import objection_decide as decide
from core.access import csv_response, regulator_required, wants_csv
from core.errors import MarketplaceError
from core.money import format_decimal
from credit.models import Inspection, Sanction
from credit.services import inspections as insp
from credit.services.sanctions import sanction_confirm, sanction_reject
from credit.services.ties import tie_review_record
from ratings.selectors.ratings import appeal_queue
from supervision.forms import DecisionForm, FindingForm, InspectionForm, InspectorForm, NoteForm
from supervision.selectors import workspace as sel
from supervision.selectors.complaints import open_complaints

PAPERS_SHOWN = 20


def _award_url(award_id: int) -> str:
    for name in ("bidding:award-detail", "bidding:award"):
        try:
            return reverse(name, args=[award_id])
        except NoReverseMatch:
            continue
    return f"/awards/{award_id}/"


def _error(request, exc: MarketplaceError) -> None:
    messages.error(request, str(exc))


@regulator_required
def overview(request):
    area = sel.jurisdiction_of(request.user)
    figures = sel.overview_figures(jurisdiction=area)
    risks = sel.risk_summary(jurisdiction=area)
    projects = figures["projects"]
    project_rows = [
        (label, [projects["counts"][m].get(s, 0) for s, _l in projects["statuses"]])
        for m, label in projects["methods"]]
    chart_data = {
        "grades": {"labels": [g for g, _n in figures["grades"]],
                   "values": [n for _g, n in figures["grades"]]},
        "monthly": {"labels": figures["months"], "series": [
            {"name": _("Ratings"), "values": figures["ratings_monthly"]},
            {"name": _("Sanctions"), "values": figures["sanctions_monthly"]}]},
        "projects": {"labels": [label for _m, label in projects["methods"]], "series": [
            {"name": label, "values": [projects["counts"][m].get(s, 0)
                                       for m, _l in projects["methods"]]}
            for s, label in projects["statuses"]]},
    }
    if wants_csv(request):
        rows = [(_("Grade") + " " + g, n) for g, n in figures["grades"]]
        rows += [(_("Ratings") + " " + m, r) for m, r in zip(figures["months"],
                                                          figures["ratings_monthly"])]
        rows += [(_("Sanctions") + " " + m, s) for m, s in zip(figures["months"],
                                                            figures["sanctions_monthly"])]
        rows += [(f"{label} / {slabel}", projects["counts"][m].get(s, 0))
                 for m, label in projects["methods"] for s, slabel in projects["statuses"]]
        rows += [(_("Average number of bidders"), figures["avg_bidders"]),
                 (_("Average saving against the ceiling (%)"), figures["avg_saving_pct"])]
        return csv_response("regulator-overview", [_("Figure"), _("Value")], rows)
    return render(request, "supervision/regulator_overview.html", {
        "section": "overview", "figures": figures, "risks": risks, "chart_data": chart_data,
        "project_rows": project_rows, "statuses": projects["statuses"], "jurisdiction": area,
        # Reminders (issue 11 notifies from the same selector): papers about to expire.
        "papers_expiring": list(papers_expiring()[:PAPERS_SHOWN]),
        "paper_warning_days": settings.MARKETPLACE["PAPER_EXPIRY_WARNING_DAYS"],
        "queue": {"appeals": _count_appeals(area),
                  "objections": sel.objection_queue(jurisdiction=area).count(),
                  "sanctions": sel.sanctions_to_confirm(jurisdiction=area).count(),
                  "ties": sel.tied_agencies(jurisdiction=area).filter(
                      reviewed_at__isnull=True).count(),
                  "complaints": open_complaints(request.user).count(),
                  "risks": sum(len(v) for v in risks.values())},
    })


def _count_appeals(area) -> int:
    return appeal_queue().filter(sel.agency_q(area, "rating__agency__")).count()


RISK_LISTS = ("falling", "complaints", "pairs", "winners")


@regulator_required
def risks(request):
    summary = sel.risk_summary(jurisdiction=sel.jurisdiction_of(request.user))
    if wants_csv(request):
        which = request.GET.get("list", "falling")
        if which == "falling":
            return csv_response("risk-falling-scores", [
                _("Agency"), _("USCC"), _("Score 90 days ago"), _("Score now"), _("Drop")],
                ((f.agency.name, f.agency.uscc, format_decimal(f.before), format_decimal(f.now),
                  format_decimal(f.drop))
                 for f in summary["falling"]))
        if which == "complaints":
            return csv_response("risk-repeated-complaints", [
                _("Agency"), _("USCC"), _("Upheld complaints and objections in 12 months")],
                ((a.name, a.uscc, n) for a, n in summary["complaints"]))
        if which == "pairs":
            return csv_response("risk-bidding-pairs", [
                _("Agency"), _("Agency"), _("Projects signed up together"),
                _("Share of the smaller one's sign-ups (%)")],
                ((p.first.name, p.second.name, p.together, p.share) for p in summary["pairs"]))
        if which == "winners":
            return csv_response("risk-dominant-winners", [
                _("Purchaser"), _("Agency"), _("Awards won"), _("Awards of the purchaser"),
                _("Share (%)")],
                ((d.purchaser.name, d.agency.name, d.wins, d.awards, d.share)
                 for d in summary["winners"]))
        raise Http404
    return render(request, "supervision/regulator_risks.html", {"section": "risks", **summary})


@regulator_required
def objections(request):
    queue = list(sel.objection_queue(jurisdiction=sel.jurisdiction_of(request.user)))
    if wants_csv(request):
        return csv_response("objections", [
            _("Filed"), _("Project"), _("Purchaser"), _("Winner"), _("Filed by"),
            _("Objection"), _("Answer"), _("Status")],
            ((o.created.date(), o.award.project.title, o.award.project.purchaser.name,
              o.award.agency.name, o.agency.name, o.text, o.answer, o.get_status_display())
             for o in queue))
    for o in queue:
        o.award_url = _award_url(o.award_id)
    return render(request, "supervision/regulator_objections.html", {
        "section": "objections", "objections": queue, "form": DecisionForm()})


@regulator_required
def objection_decide(request, objection_id: int):
    if request.method != "POST":
        return redirect("supervision:regulator-objections")
    objection = get_object_or_404(Objection, pk=objection_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give its public reasons."))
        return redirect("supervision:regulator-objections")
    try:
        decide(actor=request.user, objection=objection, upheld=form.cleaned_data["upheld"],
               decision=form.cleaned_data["decision"])
    except MarketplaceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The objection is decided."))
    return redirect("supervision:regulator-objections")


@regulator_required
def sanctions(request):
    queue = list(sel.sanctions_to_confirm(jurisdiction=sel.jurisdiction_of(request.user)))
    if wants_csv(request):
        return csv_response("sanctions-to-confirm", [
            _("Proposed"), _("Agency"), _("USCC"), _("Kind"), _("Trigger"), _("Reason")],
            ((s.created.date(), s.agency.name, s.agency.uscc, s.get_kind_display(),
              s.get_trigger_display(), s.reason) for s in queue))
    return render(request, "supervision/regulator_sanctions.html", {
        "section": "sanctions", "sanctions": queue})


@regulator_required
def sanction_decide(request, sanction_id: int):
    if request.method != "POST":
        return redirect("supervision:regulator-sanctions")
    action = request.POST.get("action")
    try:
        if action == "confirm":
            sanction_confirm(actor=request.user, sanction=sanction_id)
            messages.success(request, _("The sanction is confirmed and in force."))
        elif action == "reject":
            sanction_reject(actor=request.user, sanction=sanction_id,
                            reason=request.POST.get("reason", ""))
            messages.success(request, _("The proposed sanction is rejected."))
        else:
            messages.error(request, _("Choose confirm or reject."))
    except Sanction.DoesNotExist:
        raise Http404 from None
    except MarketplaceError as exc:
        _error(request, exc)
    return redirect("supervision:regulator-sanctions")


@regulator_required
def ties(request):
    agencies = list(sel.tied_agencies(jurisdiction=sel.jurisdiction_of(request.user)))
    if wants_csv(request):
        return csv_response("red-hat-ties", [
            _("Agency"), _("USCC"), _("Region"), _("Department tied to"), _("Details"),
            _("Last review"), _("Review note")],
            ((a.name, a.uscc, a.region.name, a.gov_tie_department, a.gov_tie_details,
              a.reviewed_at.date() if a.reviewed_at else "", a.review_note or "")
             for a in agencies))
    return render(request, "supervision/regulator_ties.html", {
        "section": "ties", "agencies": agencies, "form": NoteForm()})


@regulator_required
def tie_review(request, agency_id: int):
    if request.method == "POST":
        try:
            tie_review_record(actor=request.user, agency=agency_id,
                              note=request.POST.get("note", ""))
        except MarketplaceError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The review is recorded."))
    return redirect("supervision:regulator-ties")


# --- random inspections -----------------------------------------------------------------------

@regulator_required
def inspections(request):
    area = sel.jurisdiction_of(request.user)
    form = InspectionForm(request.POST or None, jurisdiction=area)
    inspector_form = InspectorForm(request.POST or None, prefix="inspector")
    if request.method == "POST":
        if "inspector-code" in request.POST:
            if inspector_form.is_valid():
                try:
                    insp.inspector_add(actor=request.user, **inspector_form.cleaned_data)
                except MarketplaceError as exc:
                    _error(request, exc)
                else:
                    messages.success(request, _("The inspector is added to the pool."))
                    return redirect("supervision:regulator-inspections")
            form = InspectionForm(jurisdiction=area)
        else:
            inspector_form = InspectorForm(prefix="inspector")
            if form.is_valid():
                try:
                    inspection = insp.inspection_announce(actor=request.user,
                                                          **form.cleaned_data)
                except MarketplaceError as exc:
                    for field, msgs in exc.fields.items():
                        for m in msgs:
                            form.add_error(field if field in form.fields else None, m)
                    if not exc.fields:
                        form.add_error(None, str(exc))
                else:
                    messages.success(request, _("The inspection is announced; its pool and "
                                                "seed commitment are public."))
                    return redirect("supervision:regulator-inspection", inspection.pk)
    listing = sel.inspections_all(jurisdiction=area)
    if wants_csv(request):
        return csv_response("inspections", [
            _("Announced"), _("Title"), _("Status"), _("Agencies"), _("Inspectors"),
            _("Findings"), _("Failed"), _("Commitment")],
            ((i.created.date(), i.title, i.get_status_display(), i.agency_count,
              i.inspector_count, i.n_findings, i.n_failed, i.commitment) for i in listing))
    return render(request, "supervision/regulator_inspections.html", {
        "section": "inspections", "inspections": listing, "form": form,
        "inspector_form": inspector_form, "inspectors": sel.inspectors_pool()})


@regulator_required
def inspection_manage(request, inspection_id: int):
    inspection = sel.inspection_detail(inspection_id)
    if inspection is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draw":
                insp.inspection_draw(actor=request.user, inspection=inspection)
                messages.success(request, _("Drawn. The seed is revealed and the draw can be "
                                            "recomputed by anyone."))
            elif action == "finding":
                form = FindingForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Choose passed or failed."))
                else:
                    finding = request.POST.get("finding", "")
                    if not finding.isdigit():
                        raise Http404
                    insp.inspection_finding_record(
                        actor=request.user, finding=int(finding),
                        **form.cleaned_data)
                    messages.success(request, _("The finding is recorded as a credit event."))
            elif action == "publish":
                insp.inspection_publish(actor=request.user, inspection=inspection)
                messages.success(request, _("The results are published."))
        except MarketplaceError as exc:
            _error(request, exc)
        return redirect("supervision:regulator-inspection", inspection.pk)
    findings = list(inspection.findings.all())
    if wants_csv(request):
        return _findings_csv(inspection, findings)
    return render(request, "supervision/regulator_inspection.html", {
        "section": "inspections", "inspection": inspection, "findings": findings,
        "finding_form": FindingForm(), "manage": True,
        "verified": insp.verify_inspection_computation(inspection.computation)
        if inspection.status != Inspection.Status.COMMITTED else None})


def _findings_csv(inspection, findings):
    return csv_response(f"inspection-{inspection.pk}", [
        _("Draw order"), _("Agency"), _("USCC"), _("Result"), _("Points"), _("Findings")],
        ((f.rank, f.agency.name, f.agency.uscc, f.get_result_display(), f.points, f.note)
         for f in findings))


def public_inspections(request):
    """Public: every inspection with its commitment, and results once published (一公开)."""
    listing = sel.inspections_all()
    if wants_csv(request):
        return csv_response("inspections", [
            _("Announced"), _("Title"), _("Status"), _("Agencies"), _("Failed"),
            _("Commitment")],
            ((i.created.date(), i.title, i.get_status_display(), i.agency_count, i.n_failed,
              i.commitment) for i in listing))
    return render(request, "supervision/inspections_public.html", {"inspections": listing})


def public_inspection(request, inspection_id: int):
    inspection = sel.inspection_detail(inspection_id)
    if inspection is None:
        raise Http404
    findings = list(inspection.findings.all())
    published = inspection.status == Inspection.Status.PUBLISHED
    if wants_csv(request) and published:
        return _findings_csv(inspection, findings)
    return render(request, "supervision/regulator_inspection.html", {
        "inspection": inspection, "findings": findings, "manage": False,
        "published": published,
        "verified": insp.verify_inspection_computation(inspection.computation)
        if inspection.status != Inspection.Status.COMMITTED else None})


