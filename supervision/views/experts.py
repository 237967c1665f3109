"""The regulator's expert pool (/regulator/experts/…) and the evaluation panels drawn from it
(/regulator/panels/…): keep the experts and their declared ties, see every panel with its
exclusions and reasons, draw a panel left short, replace the experts who missed the deadline.
Every write is one service of ``bidding/services/panels.py``, which checks the permission again
and audits it."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bidding.models import Expert, ExpertTie
from bidding.panels import REASONS
from bidding.selectors import panels as sel
from bidding.services import panels as services
from core.access import csv_response, regulator_required, wants_csv
from core.errors import MarketplaceError, NotFound
from supervision.forms import ExpertCreateForm, ExpertForm, ExpertTieForm

PROFILE = ("name", "title", "region", "employer_name", "employer_uscc", "categories", "items")


def _form_errors(form, exc: MarketplaceError) -> None:
    for field, problems in (exc.fields or {"": [str(exc)]}).items():
        form.add_error(field if field in form.fields else None, problems)


@regulator_required
def expert_pool(request):
    query = request.GET.get("q", "").strip()[:64]
    status = request.GET.get("status", "")
    status = status if status in Expert.Status.values else ""
    experts = list(sel.expert_pool(query=query, status=status))
    if wants_csv(request):
        return csv_response("expert-pool", [
            _("Expert code"), _("Name"), _("Professional title"), _("Employer"),
            _("Employer's unified social credit code"), _("Region"), _("Status"),
            _("Specialties"), _("Declared ties"), _("Panels")],
            ((e.code, e.name, e.title, e.employer_name, e.employer_uscc,
              e.region.name if e.region else "", e.get_status_display(),
              "、".join([c.name for c in e.categories.all()] + [i.title for i in e.items.all()]),
              "、".join(f"{t.name} ({t.note})" for t in e.ties.all()), e.panel_count)
             for e in experts))
    return render(request, "supervision/regulator_experts.html", {
        "section": "experts", "experts": experts, "query": query, "status": status,
        "statuses": Expert.Status.choices})


@regulator_required
def expert_new(request):
    form = ExpertCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_create(actor=request.user, **form.cleaned_data)
        except MarketplaceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The expert was added to the pool."))
            return redirect("supervision:regulator-expert", expert.pk)
    return render(request, "supervision/regulator_expert_form.html", {
        "section": "experts", "form": form, "expert": None})


@regulator_required
def expert_edit(request, expert_id: int):
    try:
        expert = sel.expert_detail(expert_id)
    except NotFound:
        raise Http404 from None
    initial = {k: getattr(expert, k) for k in PROFILE if k not in ("categories", "items")}
    initial.update(categories=list(expert.categories.all()), items=list(expert.items.all()))
    form = ExpertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(actor=request.user, expert=expert, **form.cleaned_data)
        except MarketplaceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The expert's record was saved."))
            return redirect("supervision:regulator-expert", expert.pk)
    return render(request, "supervision/regulator_expert_form.html", {
        "section": "experts", "form": form, "expert": expert, "tie_form": ExpertTieForm(),
        "seats": expert.seats.select_related("panel__project").order_by("-panel__drawn_at")})


@regulator_required
def expert_action(request, expert_id: int, action: str):
    if request.method != "POST":
        return redirect("supervision:regulator-expert", expert_id)
    expert = Expert.objects.filter(pk=expert_id).first()
    if expert is None:
        raise Http404
    post, user = request.POST, request.user
    actions = {
        "suspend": (lambda: services.expert_suspend(actor=user, expert=expert,
                                                    reason=post.get("reason", "")),
                    _("The expert is suspended and will not be drawn.")),
        "reinstate": (lambda: services.expert_reinstate(actor=user, expert=expert,
                                                        reason=post.get("reason", "")),
                      _("The expert is active again.")),
        "tie": (lambda: services.expert_tie_add(actor=user, expert=expert,
                                                uscc=post.get("uscc", ""),
                                                name=post.get("name", ""),
                                                note=post.get("note", "")),
                _("The tie is recorded.")),
        "untie": (lambda: services.expert_tie_remove(
            actor=user, tie=ExpertTie.objects.filter(expert=expert,
                                                     pk=post.get("tie") or 0).first()
            or ExpertTie(pk=0, expert=expert)), _("The tie is removed.")),
    }
    if action not in actions:
        raise Http404
    fn, ok = actions[action]
    try:
        fn()
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ok)
    return redirect("supervision:regulator-expert", expert.pk)


@regulator_required
def panel_list(request):
    panels = list(sel.panel_list())
    for panel in panels:
        panel.needs_regulator = sel.panel_needs_regulator(panel)
    return render(request, "supervision/regulator_panels.html", {
        "section": "panels", "panels": panels})


@regulator_required
def panel_detail(request, panel_id: int):
    try:
        panel = sel.panel_detail(panel_id)
    except NotFound:
        raise Http404 from None
    exclusions = [{**row, "labels": [str(REASONS[r]) for r in row["reasons"] if r in REASONS]}
                  for row in panel.draw.get("exclusions", [])]
    counts = [(REASONS[k], n) for k, n in panel.draw.get("excluded_counts", {}).items()
              if k in REASONS]
    return render(request, "supervision/regulator_panel.html", {
        "section": "panels", "panel": panel, "project": panel.project,
        "exclusions": exclusions, "counts": counts,
        "needs_regulator": sel.panel_needs_regulator(panel)})


@regulator_required
def panel_action(request, panel_id: int, action: str):
    if request.method != "POST":
        return redirect("supervision:regulator-panel", panel_id)
    panel = sel.panel_list().filter(pk=panel_id).first()
    if panel is None:
        raise Http404
    try:
        if action == "draw":
            panel = services.panel_draw(actor=request.user, project=panel.project)
            ok = (_("The panel is drawn.") if panel.status != panel.Status.SHORT
                  else _("Still too few eligible experts."))
        elif action == "replace":
            services.panel_seat_replace(actor=request.user, panel=panel)
            ok = _("The missing experts were replaced by the next drawn experts.")
        else:
            raise Http404
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ok)
    return redirect("supervision:regulator-panel", panel_id)
