"""Forms of the account pages: sign-in and purchaser sign-up."""
from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

from core.widgets import RegionField


class SignInForm(AuthenticationForm):
    """Django's sign-in form with our labels and input hints."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update({"autocomplete": "username",
                                                     "autocapitalize": "none"})


class PurchaserSignupForm(forms.Form):
    is_government = forms.BooleanField(
        label=_("We are a government department commissioning a technical service"),
        required=False,
        help_text=_("Departments must select the agency competitively and pay from their "
                    "budget (R6)."))
    name = forms.CharField(label=_("Enterprise or department name"), max_length=200)
    uscc = forms.CharField(
        label=_("Unified social credit code"), max_length=24, required=False,
        help_text=_("18 characters, as printed on the business licence."))
    region = RegionField(label=_("Region"), required=False, empty_label=_("— choose —"))
    contact_name = forms.CharField(label=_("Contact person"), max_length=64)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)
    email = forms.EmailField(label=_("E-mail"), required=False)
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."))
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        code = (data.get("uscc") or "").strip()
        if not data.get("is_government"):
            if not code:
                self.add_error("uscc", _("Enter the unified social credit code."))
            elif not stdnum_uscc.is_valid(code):
                self.add_error("uscc", _("This is not a valid unified social credit code "
                                         "(18 digits and capital letters, check character last)."))
        if data.get("password") and data.get("password2") \
                and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


def apply_error(form, exc) -> None:
    """Show a service refusal (``core.errors.MarketplaceError``) on the form fields it names, or
    above the form when it names none of them."""
    placed = False
    for name, msgs in exc.fields.items():
        if name in form.fields:
            for msg in msgs:
                form.add_error(name, msg)
            placed = True
    if not placed:
        form.add_error(None, str(exc))
