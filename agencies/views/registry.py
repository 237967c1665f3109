"""Pages of the agency registry: join (R1), the public directory and profile (R5), and the
agency's own edit pages. Views parse, call one service, render; refusals from the services
become form errors, messages or a 403 page."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.filters import AgencyFilter
from agencies.forms import (
    INTEGRITY_POINTS,
    AgencyProfileForm,
    OfferForm,
    OfferFormSet,
    PaperForm,
    PractitionerForm,
    PractitionerFormSet,
    QualificationForm,
    QualificationFormSet,
    RegistrationForm,
    filled,
)
from agencies.models import Agency
from agencies.permissions import EDIT_AGENCY, VIEW_CONTACTS, VIEW_PAPERS
from agencies.selectors.directory import (
    DirectoryPaginator,
    agency_directory_queryset,
    agency_of_user,
    agency_profile,
    directory_counts,
    offers_of,
)
from agencies.selectors.papers import papers_expiring, papers_of
from agencies.services import registry as services
from agencies.services.papers import accepted_types_label
from core.catalogue import Product
from core.errors import MarketplaceError, NotAllowed
from core.forms import apply_error
from core.identity import claims as portal_claims
from core.permissions import has_perm, permission_message

PAGE_SIZE = 20


def _forbidden(request, exc: NotAllowed | None = None, agency: Agency | None = None):
    message = str(exc) if exc else permission_message(EDIT_AGENCY)
    return render(request, "agencies/forbidden.html", {"message": message, "agency": agency},
                  status=403)


# -- join --------------------------------------------------------------------------------------
def register(request):
    """An agency joins by itself, listed at once: no approval step, no cap (R1, R2)."""
    data = request.POST if request.method == "POST" else None
    # Started from the portal: the code (and name) come from its verified claims, locked.
    identity = portal_claims.identity_pending(request, purpose=portal_claims.REGISTER)
    form = RegistrationForm(data)
    portal_claims.lock_claimed_fields(form, identity)
    offers = OfferFormSet(data, prefix="offers")
    quals = QualificationFormSet(data, prefix="quals")
    people = PractitionerFormSet(data, prefix="people")
    if request.method == "POST":
        valid = all([form.is_valid(), offers.is_valid(), quals.is_valid(), people.is_valid()])
        if valid:
            registration = form.registration(
                offers=[f.offer() for f in filled(offers)],
                qualifications=[f.qualification() for f in filled(quals)],
                practitioners=[f.practitioner() for f in filled(people)],
            )
            try:
                agency = services.agency_register(registration=registration,
                                                  identity=identity)
            except MarketplaceError as exc:
                apply_error(form, exc)
            else:
                portal_claims.identity_forget(request)
                user = get_user_model().objects.get(username=registration.username.strip())
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _(
                    "Welcome! %(name)s is registered and listed publicly at once — "
                    "no approval step.") % {"name": agency.name})
                return redirect(agency.get_absolute_url())
    return render(request, "agencies/register.html", {
        "form": form, "offers": offers, "quals": quals, "people": people,
        "integrity_points": INTEGRITY_POINTS,
    })


# -- public ------------------------------------------------------------------------------------
def directory(request):
    """The public directory: filters, sort (five-star agencies first by default, R9), 20 a page.
    A fixed number of queries whatever the number of agencies."""
    filterset = AgencyFilter(request.GET or None, queryset=agency_directory_queryset(),
                             request=request)
    counts = directory_counts()
    paginator = DirectoryPaginator(filterset.qs, PAGE_SIZE)
    if not filterset.narrows:
        paginator.count = counts["total"]  # the same set of agencies: no second count
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "agencies/directory.html", {
        "filter": filterset, "page_obj": page, "agencies": page.object_list,
        "querystring": params.urlencode(), "counts": counts,
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "advanced": any(v for k, v in request.GET.items() if k not in ("page", "q")),
    })


def detail(request, pk: int):
    try:
        agency = agency_profile(pk=pk)
    except Agency.DoesNotExist:
        raise Http404(_("No such agency.")) from None
    contacts = has_perm(request.user, VIEW_CONTACTS, agency)
    today = timezone.localdate()
    papers = paper_form = expiring = None
    if has_perm(request.user, VIEW_PAPERS, agency):  # never public (agencies.view_papers)
        papers = list(papers_of(agency))
        for paper in papers:
            paper.state = paper.expiry_state(today)
        if has_perm(request.user, EDIT_AGENCY, agency):  # "My agency": upload and reminders
            paper_form, expiring = PaperForm(agency=agency), papers_expiring(agency=agency)
    return render(request, "agencies/detail.html", {
        "agency": agency, "today": today, "papers": papers, "paper_form": paper_form,
        "expiring": expiring, "paper_types": accepted_types_label(),
        "may_edit": has_perm(request.user, EDIT_AGENCY, agency),
        "contacts": contacts,
        "mask_people": not contacts,
        "offers": agency.partner.offer_list,
    })


@login_required
def mine(request):
    """The signed-in user's own agency profile ("My agency")."""
    agency = agency_of_user(request.user)
    if agency is None:
        messages.info(request, _("Your account does not belong to an agency."))
        return redirect("agencies:register")
    return redirect(agency.get_absolute_url())


# -- the agency's own pages ----------------------------------------------------------------------
def _editable(request, pk: int):
    agency = get_object_or_404(Agency.objects.select_related("region"), pk=pk)
    if not has_perm(request.user, EDIT_AGENCY, agency):
        return agency, _forbidden(request, agency=agency)
    return agency, None


@login_required
def edit(request, pk: int):
    agency, refusal = _editable(request, pk)
    if refusal:
        return refusal
    form = AgencyProfileForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(actor=request.user, agency=agency, changes=form.changes(),
                                   service_regions=list(form.cleaned_data["service_regions"]))
        except NotAllowed as exc:
            return _forbidden(request, exc, agency)
        except MarketplaceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The profile is saved and public."))
            return redirect(agency.get_absolute_url())
    return render(request, "agencies/edit.html", {"agency": agency, "form": form,
                                                  "tab": "profile"})


@login_required
def offers(request, pk: int):
    agency, refusal = _editable(request, pk)
    if refusal:
        return refusal
    current = offers_of(agency)
    initial = {}
    wanted = request.GET.get("item", "")
    for offer in current if wanted.isdigit() else ():
        if offer.product_id == int(wanted):  # "Change": the form starts from the offer
            terms = getattr(offer, "terms", None)
            initial = {"item": offer.product_id, "fee": offer.price,
                       "commitment": terms.commitment if terms else "",
                       "committed_days": terms.committed_days if terms else None}
    form = OfferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_offer_set(actor=request.user, agency=agency, offer=form.offer())
        except NotAllowed as exc:
            return _forbidden(request, exc, agency)
        except MarketplaceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The offer on %(item)s is saved.") % {
                "item": form.cleaned_data["item"].title})
            return redirect("agencies:offers", pk=agency.pk)
    return render(request, "agencies/offers.html", {
        "agency": agency, "form": form, "offers": current, "tab": "offers"})


@login_required
@require_POST
def offer_remove(request, pk: int, item_pk: int):
    agency = get_object_or_404(Agency, pk=pk)
    item = get_object_or_404(Product, pk=item_pk)
    try:
        services.agency_offer_remove(actor=request.user, agency=agency, item=item)
    except NotAllowed as exc:
        return _forbidden(request, exc, agency)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The offer on %(item)s is withdrawn.") % {"item": item.title})
    return redirect("agencies:offers", pk=agency.pk)


def _child_page(request, pk, *, form_class, add, input_method, tab, saved, heading,
                add_heading):
    agency, refusal = _editable(request, pk)
    if refusal:
        return refusal
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add(actor=request.user, agency=agency, **{tab: getattr(form, input_method)()})
        except NotAllowed as exc:
            return _forbidden(request, exc, agency)
        except MarketplaceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect(f"agencies:{tab}s", pk=agency.pk)
    agency = agency_profile(pk=agency.pk)
    return render(request, "agencies/child_list.html", {
        "agency": agency, "form": form, "tab": tab, "today": timezone.localdate(),
        "heading": heading, "add_heading": add_heading,
        "table": f"agencies/_{tab}_table.html"})


@login_required
def qualifications(request, pk: int):
    return _child_page(request, pk, form_class=QualificationForm,
                       add=services.agency_qualification_add, input_method="qualification",
                       tab="qualification", heading=_("Qualifications"),
                       add_heading=_("Add a qualification"),
                       saved=_("The qualification is added to the public profile."))


@login_required
def practitioners(request, pk: int):
    return _child_page(request, pk, form_class=PractitionerForm,
                       add=services.agency_practitioner_add, input_method="practitioner",
                       tab="practitioner", heading=_("Practitioners"),
                       add_heading=_("Add a practitioner"),
                       saved=_("The practitioner is added to the public profile."))


def _remove(request, pk, *, remove, id_kw, obj_id, tab, done):
    agency = get_object_or_404(Agency, pk=pk)
    try:
        remove(actor=request.user, agency=agency, **{id_kw: obj_id})
    except NotAllowed as exc:
        return _forbidden(request, exc, agency)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(f"agencies:{tab}s", pk=agency.pk)


@login_required
@require_POST
def qualification_remove(request, pk: int, qual_pk: int):
    return _remove(request, pk, remove=services.agency_qualification_remove,
                   id_kw="qualification_id", obj_id=qual_pk, tab="qualification",
                   done=_("The qualification is removed."))


@login_required
@require_POST
def practitioner_remove(request, pk: int, person_pk: int):
    return _remove(request, pk, remove=services.agency_practitioner_remove,
                   id_kw="practitioner_id", obj_id=person_pk, tab="practitioner",
                   done=_("The practitioner is removed."))
