"""Public credit pages (R9–R11): the credit list, one agency's explanation, the scoring model,
the sanctions list; and the regulator's / agency's actions on sanctions and events. Views parse,
call one selector or service, render."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Agency
from core.access import csv_response, wants_csv
from core.errors import MarketplaceError
from credit import scoring
from credit.models import CreditEvent, PurchaserCreditEvent, Sanction
from credit.selectors import ledger as selectors
from credit.services import ledger, sanctions

PER_PAGE = 50


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"&{encoded}" if encoded else ""


def credit_list(request):
    """Every agency with its score, stars, grade and standing; filter by grade and stars."""
    grade = request.GET.get("grade", "")[:2]
    stars = request.GET.get("stars", "")[:1]
    q = request.GET.get("q", "").strip()[:100]
    agencies = selectors.credit_list(grade=grade, stars=stars, q=q)
    if wants_csv(request):
        rows = ((a.name, a.uscc, a.region.name if a.region_id else "", a.credit_score,
                 a.credit_stars, a.credit_grade, a.get_standing_display())
                for a in agencies.iterator(chunk_size=2000))
        return csv_response("credit.csv", [_("Agency"), _("Unified social credit code"),
                                           _("Region"), _("Credit score"), _("Credit stars"),
                                           _("Credit grade"), _("Standing")], rows)
    page = Paginator(agencies, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "credit/credit_list.html", {
        "page": page, "grade": grade, "stars": stars, "q": q, "grades": scoring.GRADES,
        "star_choices": ["5", "4", "3", "2", "1"], "extra_query": _query_without_page(request),
    })


def credit_agency(request, pk: int):
    """The explanation page: the score and every event with its contribution, newest first."""
    agency = get_object_or_404(Agency.objects.select_related("region"), pk=pk)
    context = selectors.credit_explanation(agency)
    context["sanctions"] = selectors.agency_sanctions(agency.pk)
    context["sanction_kinds"] = Sanction.Kind.choices
    context["finding_kinds"] = [(k, CreditEvent.Kind(k).label) for k in (
        CreditEvent.Kind.REGULATOR_FINDING, CreditEvent.Kind.COMPLAINT_UPHELD,
        CreditEvent.Kind.REFUSED_MANAGEMENT, CreditEvent.Kind.REGISTRATION_FRAUD)]
    return render(request, "credit/credit_agency.html", context)


def credit_model(request):
    """The documented scoring model with the settings in force."""
    params = scoring.params_from_settings()
    points = [(CreditEvent.Kind(k).label, v) for k, v in scoring.DEFAULT_POINTS.items()
              if k != scoring.RATING]
    weights = [(CreditEvent.Source(s).label, w, params.factor(s)) for s, w in params.weights]
    buyer = scoring.purchaser_params(params)
    return render(request, "credit/credit_model.html", {
        "purchaser_points": [(PurchaserCreditEvent.Kind(k).label, v)
                             for k, v in scoring.PURCHASER_POINTS.items() if k != scoring.RATING],
        "purchaser_weights": [(PurchaserCreditEvent.Source(s).label, buyer.factor(s))
                              for s, _w in buyer.weights],
        "version": scoring.RULE_VERSION, "params": params, "points": points,
        "weights": weights, "star_thresholds": scoring.STAR_THRESHOLDS,
        "grade_thresholds": scoring.GRADE_THRESHOLDS, "conf": _exit_rules(),
    })


def _exit_rules() -> dict:
    conf = settings.MARKETPLACE
    return {
        "warning_grade": conf["SANCTION_WARNING_GRADE"],
        "suspend_at_stars": conf["SANCTION_SUSPEND_AT_STARS"],
        "suspension_days": conf["SANCTION_SUSPENSION_DAYS"],
        "blacklist_years": conf["SANCTION_BLACKLIST_YEARS"],
        "complaints": conf["SANCTION_COMPLAINTS_FOR_EXPULSION"],
        "complaint_days": conf["SANCTION_COMPLAINT_WINDOW_DAYS"],
    }


def sanctions_list(request):
    """Public list of current sanctions (proposed and in force); ``?all=1`` for the history."""
    kind = request.GET.get("kind", "")[:16]
    show_all = request.GET.get("all") == "1"
    qs = selectors.sanctions_all(kind=kind) if show_all else selectors.sanctions_current(kind=kind)
    agency_id = request.GET.get("agency", "")
    if agency_id.isdigit():
        qs = qs.filter(agency_id=int(agency_id))
    if wants_csv(request):
        rows = ((s.agency.name, s.agency.uscc, s.get_kind_display(), s.get_status_display(),
                 s.reason, _fmt(s.starts_at), _fmt(s.ends_at), _fmt(s.blacklist_until))
                for s in qs.iterator(chunk_size=2000))
        return csv_response("sanctions.csv", [_("Agency"), _("Unified social credit code"),
                                              _("Sanction"), _("Status"), _("Reason"),
                                              _("Starts"), _("Ends"), _("Blacklisted until")],
                            rows)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "credit/sanctions_list.html", {
        "page": page, "kind": kind, "show_all": show_all, "kinds": Sanction.Kind.choices,
        "extra_query": _query_without_page(request), "now": timezone.now(),
    })


def _fmt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def sanction_detail(request, pk: int):
    sanction = get_object_or_404(Sanction.objects.select_related("agency", "trigger_event"),
                                 pk=pk)
    return render(request, "credit/sanctions_detail.html", {"sanction": sanction})


SANCTION_ACTIONS = {
    "confirm": lambda r, s: sanctions.sanction_confirm(actor=r.user, sanction=s),
    "reject": lambda r, s: sanctions.sanction_reject(actor=r.user, sanction=s,
                                                    reason=r.POST.get("reason", "")),
    "lift": lambda r, s: sanctions.sanction_lift(actor=r.user, sanction=s,
                                                reason=r.POST.get("reason", "")),
    "appeal": lambda r, s: sanctions.sanction_appeal(actor=r.user, sanction=s,
                                                    text=r.POST.get("text", "")),
    "decide": lambda r, s: sanctions.sanction_appeal_decide(
        actor=r.user, sanction=s, upheld=r.POST.get("upheld") == "1",
        decision=r.POST.get("decision", "")),
}

SANCTION_DONE = {
    "confirm": _("The sanction is confirmed and in force."),
    "reject": _("The proposed sanction was rejected."),
    "lift": _("The sanction was lifted."),
    "appeal": _("Your appeal was filed."),
    "decide": _("The appeal was decided."),
}


@login_required
@require_POST
def sanction_action(request, pk: int, action: str):
    handler = SANCTION_ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        handler(request, pk)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, str(SANCTION_DONE[action]))
    return redirect("credit:sanction", pk=pk)


@login_required
@require_POST
def agency_action(request, pk: int, action: str):
    """Regulator actions on an agency's credit: impose a sanction, record a finding, repair,
    void an event, reinstate."""
    post = request.POST
    try:
        if action == "impose":
            sanctions.sanction_impose(actor=request.user, agency=pk, kind=post.get("kind", ""),
                                     reason=post.get("reason", ""),
                                     days=post.get("days") or None)
        elif action == "finding":
            ledger.credit_finding_record(actor=request.user, agency=pk,
                                           kind=post.get("kind", ""),
                                           points=post.get("points") or None,
                                           reason=post.get("reason", ""))
        elif action == "repair":
            ledger.credit_repair(actor=request.user, agency=pk, points=post.get("points", ""),
                                   reason=post.get("reason", ""))
        elif action == "void":
            event_id = post.get("event", "")
            if not event_id.isdigit() or not CreditEvent.objects.filter(
                    pk=int(event_id), agency_id=pk).exists():
                raise Http404
            ledger.credit_event_void(actor=request.user, event=int(event_id),
                                       reason=post.get("reason", ""))
        elif action == "reinstate":
            sanctions.agency_reinstate(actor=request.user, agency=pk,
                                      reason=post.get("reason", ""))
        else:
            raise Http404
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done; the credit record is updated."))
    return redirect("credit:agency", pk=pk)
