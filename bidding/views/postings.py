"""Pages of postings and sign-ups: list, detail, the guided new-project form, and the buttons
(publish, withdraw, sign up, cancel). Each parses, calls one service, renders
(docs/conventions.md). The buttons are shown by the permissions the services require
(``bidding.permissions``, ``{% can %}`` in the templates)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidding.eligibility import eligibility_problems
from bidding.filters import ProjectFilter
from bidding.forms import (
    METHOD_FIELDS,
    AvoidanceFormSet,
    DocumentFormSet,
    ProjectForm,
    QualificationFormSet,
    ReviewRequestForm,
    SignUpForm,
    WithdrawForm,
    kept,
    qualification_inputs,
)
from bidding.models import Award, Project, SignUp
from bidding.rules import (
    earliest_signup_deadline,
    field_label,
    posting_problems,
    signup_min_working_days,
)
from bidding.selectors import projects as selectors
from bidding.selectors import reviews as review_selectors
from bidding.selectors.draws import contribution_of, draw_state
from bidding.services import postings as services
from bidding.services import reviews, signups
from core.catalogue import item_attributes
from core.dates import parse_moment
from core.errors import MarketplaceError, NotAllowed, NotFound, ValidationFailed
from core.models import Organisation
from core.permissions import has_perm, require_perm
from core.roles import organisation_of
from core.workdays import add_working_days, calendar_basis, calendar_note, working_days_between

Status = Project.Status


def _project_or_404(pk, user) -> Project:
    try:
        return selectors.project_detail(pk=pk, viewer=user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def project_list(request):
    qs = selectors.project_list(viewer=request.user)
    filterset = ProjectFilter(request.GET or None, queryset=qs, request=request)
    projects = filterset.qs if filterset.is_bound else qs
    if filterset.is_bound and not filterset.is_valid():
        projects = qs.none()
    page = Paginator(projects, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "bidding/project_list.html", {
        "filter": filterset, "page": page, "query": query.urlencode(),
    })


def project_detail(request, pk: int):
    project = _project_or_404(pk, request.user)
    now = timezone.now()
    agency = selectors.agency_of_user(request.user)
    signup = selectors.signup_of(agency=agency, project=project)
    active_signup = signup if signup and signup.status == SignUp.Status.ACTIVE else None
    signup_open = project.signup_open(now)
    problems = []
    if agency is not None and signup_open and active_signup is None:
        problems = eligibility_problems(agency=agency, project=project)
    awards = list(project.awards.all())
    current_award = next((a for a in awards if a.status not in (
        Award.Status.SUPERSEDED, Award.Status.WITHDRAWN)), None)
    return render(request, "bidding/project_detail.html", {
        "project": project,
        "item_attrs": item_attributes_safe(project.item),
        "agency": agency,
        "signup": active_signup,
        "signup_open": signup_open,
        "following": signup_open and active_signup is None
        and selectors.is_following(agency=agency, project=project),
        "problems": problems,
        "signup_form": SignUpForm(agency=agency),
        "draw": draw_state(project, now=now) if project.method == Project.Method.RANDOM_DRAW
        else None,
        "my_contribution": contribution_of(active_signup),
        "withdraw_form": WithdrawForm(),
        "calendar_note": calendar_note(project.signup_deadline, project.selection_at),
        "calendar_basis": calendar_basis(project.signup_deadline, project.selection_at),
        "awards": awards,
        "current_award": current_award,
        "show_auction": project.method == Project.Method.LIVE_BIDDING and project.status in (
            Status.SELECTING, Status.AWARDED, Status.CLOSED),
        "show_selection": project.method != Project.Method.LIVE_BIDDING and project.status in (
            Status.SELECTING, Status.AWARDED, Status.CLOSED),
        "signup_working_days": working_days_between(project.published_at, project.signup_deadline)
        if project.published_at and project.signup_deadline else None,
        **_review_context(request, project),
    })


def _review_context(request, project: Project) -> dict:
    """The posting's review (shown with its decision) and, for its purchaser's draft refused for
    a flagged requirement, what may be sent to the regulator's review instead of rewritten."""
    review = review_selectors.current_review(project)
    flagged = []
    if (project.status == Status.DRAFT and has_perm(request.user, "bidding.ask_posting_review",
                                                    project)
            and (review is None or review.status != review.Status.PENDING)):
        problems = reviews.unapproved(project, posting_problems(project),
                                      reviews.approved_review(project))
        flagged = [{"phrase": p.phrase, "field": field_label(p.field)}
                   for p in problems if p.reviewable]
    return {"review": review, "review_flagged": flagged,
            "review_form": ReviewRequestForm() if flagged else None}


def item_attributes_safe(item) -> dict:
    try:
        return item_attributes(item)
    except Exception:  # noqa: BLE001 - attributes are decoration; a broken one must not 500
        return {}


# --- the guided form ----------------------------------------------------------------------------
def _initial(org: Organisation | None) -> dict:
    deadline = earliest_signup_deadline(timezone.now())
    deadline = timezone.localtime(deadline).replace(hour=17, minute=0, second=0, microsecond=0)
    if deadline < earliest_signup_deadline(timezone.now()):
        deadline = add_working_days(deadline, 1)
    selection = add_working_days(deadline, 1).replace(hour=9, minute=30)
    phone = org.contact_phone if org else ""
    return {"signup_deadline": deadline, "selection_at": selection, "enquiry_phone": phone,
            "complaint_phone": phone, "service_days": 20, "auction_minutes": 30,
            "method": Project.Method.LIVE_BIDDING,
            "region": org.region_id if org else None,
            "funding": Project.Funding.FISCAL if org and org.is_government
            else Project.Funding.SOCIAL}


def _bind(request, project: Project | None):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    org = organisation_of(request.user)
    if project is None:
        form = ProjectForm(data, files, initial=_initial(org))
        quals, avoids = [], []
    else:
        form = ProjectForm(data, files, instance=project)
        quals = [{"entry": q.entry_id, "name": "" if q.entry_id else q.name,
                  "grade": "" if q.entry_id else q.grade,
                  "legal_basis": "" if q.entry_id else q.legal_basis}
                 for q in project.qualifications.all()]
        avoids = [{"uscc": a.agency.uscc, "reason": a.reason}
                  for a in project.avoidances.select_related("agency")]
    item = data.get("item") if data else (project.item_id if project else None)
    choices = review_selectors.qualification_choices(int(item) if str(item or "").isdigit()
                                                     else None)
    return (form,
            QualificationFormSet(data, prefix="qual", initial=quals or None,
                                 form_kwargs={"qualification_choices": choices}),
            AvoidanceFormSet(data, prefix="avoid", initial=avoids or None),
            DocumentFormSet(data, files, prefix="doc"))


_SECTION_KEYS = {"__all__": "general", "": "general"}


def _apply_errors(exc: MarketplaceError, form, section_errors: dict) -> None:
    if not exc.fields:
        section_errors.setdefault("general", []).append(str(exc))
        return
    for name, msgs in exc.fields.items():
        for msg in msgs:
            if name in form.fields:
                form.add_error(name, msg)
            else:
                section_errors.setdefault(_SECTION_KEYS.get(name, name), []).append(msg)


def _place_problems(problems, form, rows, section_errors: dict) -> None:
    """Each problem next to what it is about: a form field, a qualification row (``rows``: the
    row forms in the order the rows were saved), or its section."""
    for problem in problems:
        name, msg = problem.field or "__all__", problem.message
        if name in form.fields:
            _add_error(form, name, msg)
        elif name == "qualifications" and problem.row and problem.row <= len(rows):
            _add_error(rows[problem.row - 1], None, msg)
        else:
            section_errors.setdefault(_SECTION_KEYS.get(name, name), []).append(msg)


def _add_error(form, name, msg) -> None:
    """``form.add_error`` that also works on an unbound form (the "check" view shows the rules'
    reasons on the saved draft without a submission)."""
    if not form.is_bound and not hasattr(form, "cleaned_data"):
        form.errors  # noqa: B018  (creates the empty error dict of an unbound form)
        form.cleaned_data = {}
    form.add_error(name, msg)


def _render_form(request, *, form, quals, avoids, docs, project=None, section_errors=None,
                 status=200):
    return render(request, "bidding/project_form.html", {
        **(_review_context(request, project) if project is not None else {}),
        "form": form, "qual_formset": quals, "avoid_formset": avoids, "doc_formset": docs,
        "project": project, "section_errors": section_errors or {},
        "method_fields": {str(k): v for k, v in METHOD_FIELDS.items()},
        "all_method_fields": sorted({f for v in METHOD_FIELDS.values() for f in v}),
        "min_days": signup_min_working_days(),
        "earliest_deadline": earliest_signup_deadline(timezone.now()),
        "calendar_note": calendar_note(earliest_signup_deadline(timezone.now())),
        "calendar_basis": calendar_basis(earliest_signup_deadline(timezone.now())),
        "form_action": reverse("bidding:project-edit", args=[project.pk]) if project
        else reverse("bidding:project-new"),
    }, status=status)


def _valid_rows(formset, make) -> list:
    """The inputs of the rows of ``formset`` that are valid, kept and not empty."""
    rows = []
    for f in kept(formset):
        if f.is_valid():
            row = make(f)
            if row is not None:
                rows.append((f, row))
    return rows


def _unsaved_problems(request, project, form, quals, avoids, section_errors: dict) -> None:
    """On a refused "publish", also the posting rules (``posting_problems``) over what the form
    could read, so every reason shows on the first submission instead of one round of errors
    after another. A field whose input was already refused is left to that error; the rules run
    on a copy that is never saved."""
    unsaved = form.instance  # the input already applied by the ModelForm (valid fields only)
    if project is None:
        unsaved.purchaser = organisation_of(request.user)
    qual_rows = _valid_rows(quals, lambda f: f.as_input())
    avoid_rows = _valid_rows(avoids, lambda f: f.as_input())
    problems = posting_problems(unsaved, [q for _f, q in qual_rows], [a for _f, a in avoid_rows])
    if project is not None:
        problems = reviews.unapproved(unsaved, problems, reviews.approved_review(project))
    refused = set(form.errors)
    _place_problems([p for p in problems if (p.field or "__all__") not in refused], form,
                    [f for f, _q in qual_rows], section_errors)


def _save(request, project: Project | None):
    form, quals, avoids, docs = _bind(request, project)
    valid = all([form.is_valid(), quals.is_valid(), avoids.is_valid(), docs.is_valid()])
    section_errors: dict = {}
    publish = request.POST.get("action") == "publish"
    if not valid:
        if publish:
            _unsaved_problems(request, project, form, quals, avoids, section_errors)
        return _render_form(request, form=form, quals=quals, avoids=avoids, docs=docs,
                            project=project, section_errors=section_errors, status=400)
    documents = [d for d in (f.as_input() for f in kept(docs)) if d is not None]
    try:
        if project is None:
            project = services.project_create(
                actor=request.user, fields=form.service_fields(),
                qualifications=qualification_inputs(quals),
                avoidances=[f.as_input() for f in kept(avoids)], documents=documents)
        else:
            project = services.project_update(
                actor=request.user, project=project, fields=form.service_fields(),
                qualifications=qualification_inputs(quals),
                avoidances=[f.as_input() for f in kept(avoids)], documents=documents)
    except MarketplaceError as exc:
        _apply_errors(exc, form, section_errors)
        if publish:
            _unsaved_problems(request, project, form, quals, avoids, section_errors)
        return _render_form(request, form=form, quals=quals, avoids=avoids, docs=docs,
                            project=project, section_errors=section_errors, status=400)
    if not publish:
        messages.success(request, _("Saved as a draft. Publish it when it is complete."))
        return redirect("bidding:project-edit", pk=project.pk)
    try:
        services.project_publish(actor=request.user, project=project)
    except MarketplaceError as exc:
        if exc.code == "rule_refused":
            rows = [f for f in kept(quals) if f.as_input() is not None]
            _place_problems(_refusals(project), form, rows, section_errors)
        else:
            _apply_errors(exc, form, section_errors)
        messages.warning(request, _("Saved as a draft, but it cannot be published yet: "
                                    "see the reasons below."))
        return _render_form(request, form=form, quals=quals, avoids=avoids, docs=docs,
                            project=project, section_errors=section_errors, status=400)
    messages.success(request, _("Published: sign-up is open."))
    return redirect(project.get_absolute_url())


def _require_purchaser(request):
    try:
        require_perm(request.user, "bidding.post_project")
    except NotAllowed as exc:
        return render(request, "bidding/project_forbidden.html", {"message": str(exc)},
                      status=403)
    return None


@login_required
def project_new(request):
    refused = _require_purchaser(request)
    if refused:
        return refused
    if request.method == "POST":
        return _save(request, None)
    form, quals, avoids, docs = _bind(request, None)
    return _render_form(request, form=form, quals=quals, avoids=avoids, docs=docs)


@login_required
def project_edit(request, pk: int):
    refused = _require_purchaser(request)
    if refused:
        return refused
    project = _project_or_404(pk, request.user)
    if not has_perm(request.user, "bidding.edit_project", project):
        raise Http404
    if project.status != Status.DRAFT:
        messages.info(request, _("Only drafts can be edited."))
        return redirect(project.get_absolute_url())
    if request.method == "POST":
        return _save(request, project)
    form, quals, avoids, docs = _bind(request, project)
    if request.GET.get("check"):
        section_errors: dict = {}
        _place_problems(_refusals(project), form, quals.forms, section_errors)
        return _render_form(request, form=form, quals=quals, avoids=avoids, docs=docs,
                            project=project, section_errors=section_errors)
    return _render_form(request, form=form, quals=quals, avoids=avoids, docs=docs,
                        project=project)


def _refusals(project: Project) -> list:
    """What publishing would refuse now (an approved review's phrases let through)."""
    return reviews.unapproved(project, posting_problems(project),
                              reviews.approved_review(project))


# --- buttons ------------------------------------------------------------------------------------
def _act(request, pk: int, call, success: str):
    project = _project_or_404(pk, request.user)
    try:
        call(project)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
        for msgs in (exc.fields or {}).values():
            for msg in msgs:
                if msg != str(exc):
                    messages.error(request, msg)
    else:
        messages.success(request, success)
    return redirect(project.get_absolute_url())


@require_POST
@login_required
def project_publish(request, pk: int):
    return _act(request, pk, lambda p: services.project_publish(actor=request.user, project=p),
                _("Published: sign-up is open."))


@require_POST
@login_required
def project_review_request(request, pk: int):
    """Send the refused draft to the regulator's review with the law and article relied on."""
    form = ReviewRequestForm(request.POST)
    data = form.cleaned_data if form.is_valid() else form.data
    return _act(request, pk, lambda p: reviews.posting_review_request(
        actor=request.user, project=p, legal_basis=data.get("legal_basis", ""),
        explanation=data.get("explanation", "")),
        _("Sent to the regulator's review; the posting stays unpublished until it is decided."))


@require_POST
@login_required
def project_withdraw(request, pk: int):
    form = WithdrawForm(request.POST)
    reason = form.data.get("reason", "")
    return _act(request, pk, lambda p: services.project_withdraw(actor=request.user, project=p,
                                                                 reason=reason),
                _("The project was withdrawn; the reason is shown publicly."))


@require_POST
@login_required
def project_signup(request, pk: int):
    agency = selectors.agency_of_user(request.user)
    form = SignUpForm(request.POST, agency=agency)
    people = list(form.cleaned_data["practitioners"]) if form.is_valid() else \
        request.POST.getlist("practitioners")
    commitment = request.POST.get("draw_commitment", "")
    return _act(request, pk, lambda p: signups.signup_create(actor=request.user, project=p,
                                                             practitioners=people,
                                                             draw_commitment=commitment),
                _("Signed up. You will be told when the selection starts."))


@require_POST
@login_required
def project_signup_cancel(request, pk: int):
    return _act(request, pk, lambda p: signups.signup_cancel(actor=request.user, project=p),
                _("Your sign-up was cancelled."))


def project_periods(request):
    """JSON for the form's working-day help: how many working days sign-up stays open, the
    earliest allowed deadline, the calendar note and its basis (``calendar_source``: ``"official"``
    or ``"estimate"``, ``core/workdays.py::calendar_basis``). A deadline that is not a real date
    and time (``2027-02-30T17:00``) or lies beyond ``core.dates`` bounds (year 9999, which cost
    16 s of counting) is a 400 in the API's error format, answered before any counting."""
    now = timezone.now()
    earliest = earliest_signup_deadline(now)
    out = {"min_days": signup_min_working_days(),
           "earliest_deadline": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")}
    raw = request.GET.get("signup_deadline", "")
    try:
        deadline = parse_moment(raw, field="signup_deadline", now=now) if raw else None
    except ValidationFailed as exc:
        return JsonResponse(exc.as_dict(), status=400)
    if deadline is not None:
        out["signup_working_days"] = working_days_between(now, deadline)
        out["ok"] = deadline >= earliest
        dates = (now, deadline, earliest)
    else:
        dates = (now, earliest)
    out["note"] = calendar_note(*dates)
    out["calendar_source"] = calendar_basis(*dates)  # "official" or "estimate"
    return JsonResponse(out)

