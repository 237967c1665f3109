"""Account pages: sign-in (password, and the government-service portal's button when it is
configured), purchaser sign-up, the account page. Views parse, call one service, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import MarketplaceError
from core.forms import PurchaserSignupForm, SignInForm, apply_error
from core.identity import claims as portal_claims
from core.identity.config import oidc_enabled
from core.roles import organisation_of
from core.services.accounts import purchaser_register
from core.services.identity import identity_link
from core.todos import has_todo_providers, role_label, todos_for, todos_note
from core.workdays import one_calendar


class SignIn(LoginView):
    """Django's sign-in page, plus the portal button when OIDC is configured. A natural person
    the portal vouched for but who had no account here signs in once with the password: the
    portal identity kept in the session is then linked to this account, if the box naming that
    person is left ticked (on a shared computer, the next person unticks it)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["portal_enabled"] = oidc_enabled()
        context["portal_pending"] = portal_claims.identity_pending(
            self.request, purpose=portal_claims.LINK)
        return context

    def form_valid(self, form):
        identity = portal_claims.identity_pending(self.request, purpose=portal_claims.LINK)
        response = super().form_valid(form)
        portal_claims.identity_forget(self.request)
        if identity is not None and self.request.POST.get("link_portal") == "1":
            try:
                identity_link(actor=form.get_user(), user=form.get_user(), identity=identity)
            except MarketplaceError as exc:
                messages.error(self.request, str(exc))
            else:
                messages.success(self.request, _(
                    "Your government-service portal identity is linked to this account: next "
                    "time, sign in with the portal button."))
        return response


def signup(request):
    """A purchaser (enterprise, or a department commissioning a technical service) signs up."""
    if request.user.is_authenticated:
        return redirect("account")
    identity = portal_claims.identity_pending(request, purpose=portal_claims.REGISTER)
    form = PurchaserSignupForm(request.POST or None)
    portal_claims.lock_claimed_fields(form, identity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = purchaser_register(
                identity=identity,
                username=data["username"], password=data["password"], name=data["name"],
                uscc=data["uscc"], region=data["region"], contact_name=data["contact_name"],
                contact_phone=data["contact_phone"], email=data["email"],
                is_government=data["is_government"])
        except MarketplaceError as exc:
            apply_error(form, exc)
        else:
            portal_claims.identity_forget(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("account")
    return render(request, "core/signup.html", {"form": form, "portal_identity": identity})


@login_required
def account(request):
    """The account page: what awaits the user's role (``core/todos.py::todos_for``, each item
    with its deadline in working days and a button to the page where it is done), what the role
    can do, the account's details."""
    org = organisation_of(request.user)
    agency = getattr(org, "agency", None) if org is not None else None
    with one_calendar():  # the items and their calendar note read each year once
        todos = todos_for(request.user)
        note = todos_note(todos)
    return render(request, "core/account.html", {
        "organisation": org, "agency": agency, "todos": todos,
        "todos_note": note, "role": role_label(org),
        "todos_shown": has_todo_providers(org.kind if org else None),
    })
