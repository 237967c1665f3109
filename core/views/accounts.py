"""Account pages: sign-in, purchaser sign-up, the account page. Views parse, call one service,
render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import MarketplaceError
from core.forms import PurchaserSignupForm
from core.roles import organisation_of
from core.services.accounts import purchaser_register


def signup(request):
    """A purchaser (enterprise, or a department commissioning a technical service) signs up."""
    if request.user.is_authenticated:
        return redirect("account")
    form = PurchaserSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = purchaser_register(
                username=data["username"], password=data["password"], name=data["name"],
                uscc=data["uscc"], region=data["region"], contact_name=data["contact_name"],
                contact_phone=data["contact_phone"], email=data["email"],
                is_government=data["is_government"])
        except MarketplaceError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("account")
    return render(request, "core/signup.html", {"form": form})


@login_required
def account(request):
    org = organisation_of(request.user)
    agency = getattr(org, "agency", None) if org is not None else None
    return render(request, "core/account.html", {
        "organisation": org, "agency": agency,
    })
