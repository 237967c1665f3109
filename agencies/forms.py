"""Forms of the agency registry. They parse and present; the rules (valid and unique credit code,
integrity commitment, declared ties, who may edit) are in ``agencies.services.registry``."""
from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.forms import formset_factory
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.filters import CategoryChoiceField, public_items
from agencies.models import Agency, OfferTerms, Paper, Practitioner, Qualification
from agencies.services.papers import PaperInput
from agencies.services.registry import (
    PROFILE_FIELDS,
    OfferInput,
    PractitionerInput,
    QualificationInput,
    Registration,
    uscc_clean,
    uscc_taken_message,
)
from core.catalogue import Category
from core.errors import MarketplaceError
from core.widgets import RegionField, RegionsField

INTEGRITY_POINTS = [
    _("No price fixing: we set our fees independently and never agree prices with other "
      "agencies."),
    _("No malicious under-pricing: we never quote below cost to push competitors out."),
    _("No kickbacks: we give no rebates, gifts or benefits to purchasers, departments or "
      "their staff."),
    _("True documents: everything we submit (licence, qualifications, practitioners, results) "
      "is genuine and complete."),
    _("Cooperation with inspections: we accept random inspections and supervision and provide "
      "the records asked for."),
]

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _profile_fields() -> dict:
    fields = fields_for_model(
        Agency, fields=[*PROFILE_FIELDS, "service_regions"],
        widgets={
            "description": TEXTAREA,
            "gov_tie_details": TEXTAREA,
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "registered_capital": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        },
    )
    fields["name"].label = _("Agency name")
    fields["region"] = RegionField(
        label=pgettext_lazy("agencies", "Region where registered"),
        empty_label=_("Choose the region where the agency is registered"),
        help_text=_("As precise as you like: province, city or county (e.g. 湖北省 · 武汉市 · "
                    "洪山区)."))
    fields["service_regions"] = RegionsField(
        label=_("Regions served"), required=False, help_text=_(
            "Codes or names, separated by ；, at any level (e.g. 420100 武汉市；110000 北京市); "
            "leave blank if you serve every region. This only helps purchasers find you: no "
            "region is ever excluded from a project."))
    fields["nature"].choices = [("", _("Choose…")), *Agency.Nature.choices]
    fields["registered_capital"].help_text = _("Optional. Never used to rank or exclude.")
    fields["registered_capital"].validators.append(MinValueValidator(0))
    return fields


class _ProfileFieldsMixin:
    """Add the agency's profile fields (labels and help from the model)."""

    def _add_profile_fields(self) -> None:
        for name, field in _profile_fields().items():
            self.fields[name] = field

    def clean(self):
        data = super().clean()
        if data.get("gov_tie_declared") and not (data.get("gov_tie_department") or "").strip():
            self.add_error("gov_tie_department", _("Name the department the agency is tied to."))
        return data


class RegistrationForm(_ProfileFieldsMixin, forms.Form):
    """An agency joins (R1): account, profile, declaration, integrity commitment."""

    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username"}),
                               help_text=_("You sign in with it. Letters, digits and @.+-_"))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("At least 8 characters, not only digits."))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    email = forms.EmailField(label=_("Account e-mail"), required=False)
    uscc = forms.CharField(
        label=_("Unified social credit code"), max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "placeholder": "91420100MA4K000000"}),
        help_text=_("18 characters, as printed on the business licence."))
    integrity_accepted = forms.BooleanField(
        label=_("I have read and accept the platform's integrity commitment."), required=True,
        error_messages={"required": _(
            "Joining requires accepting the platform's integrity commitment.")})

    ACCOUNT = ("username", "password", "password2", "email")
    BASICS = ("name", "uscc", "nature", "legal_representative", "registered_capital",
              "address", "region", "service_regions", "description", "website")
    CONTACTS = ("contact_name", "contact_phone", "contact_email")
    TIE = ("gov_tie_declared", "gov_tie_department", "gov_tie_details")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_profile_fields()
        self.fields["name"].help_text = _("The full name on the business licence.")

    def clean_uscc(self) -> str:
        """Early feedback on the code (the service checks it again when registering)."""
        try:
            code = uscc_clean(self.cleaned_data["uscc"])
        except MarketplaceError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if Agency.objects.filter(uscc=code).exists():
            raise forms.ValidationError(uscc_taken_message())
        return code

    def section(self, names):
        return [self[name] for name in names]

    def account_fields(self):
        return self.section(self.ACCOUNT)

    def basic_fields(self):
        return self.section(self.BASICS)

    def contact_fields(self):
        return self.section(self.CONTACTS)

    def tie_fields(self):
        return self.section(self.TIE)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and \
                data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data

    def registration(self, *, offers, qualifications, practitioners) -> Registration:
        data = self.cleaned_data
        return Registration(
            username=data["username"], password=data["password"], email=data.get("email", ""),
            uscc=data["uscc"], integrity_accepted=data["integrity_accepted"],
            service_regions=list(data.get("service_regions") or []),
            offers=offers, qualifications=qualifications, practitioners=practitioners,
            **{name: data.get(name) for name in PROFILE_FIELDS},
        )


class AgencyProfileForm(_ProfileFieldsMixin, forms.Form):
    """The agency edits its own profile (the credit code is fixed: it identifies the agency)."""

    def __init__(self, *args, agency: Agency, **kwargs):
        initial = {name: getattr(agency, name) for name in PROFILE_FIELDS}
        initial["region"] = agency.region
        initial["service_regions"] = list(agency.service_regions.all())
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self._add_profile_fields()

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PROFILE_FIELDS}


class OfferForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Service item"), queryset=public_items(),
                                  empty_label=_("Choose an item…"))
    fee = forms.DecimalField(label=_("Reference fee (yuan)"), required=False, min_value=0,
                             max_digits=12, decimal_places=2,
                             widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}))
    committed_days = forms.IntegerField(label=OfferTerms._meta.get_field("committed_days")
                                        .verbose_name, required=False, min_value=1,
                                        max_value=3650)
    commitment = forms.CharField(label=_("Service commitment"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = public_items()

    def offer(self) -> OfferInput:
        data = self.cleaned_data
        return OfferInput(item=data["item"], fee=data.get("fee"),
                          commitment=data.get("commitment") or "",
                          committed_days=data.get("committed_days"))


class QualificationForm(forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["name", "grade", "number", "authority", "valid_until"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def qualification(self) -> QualificationInput:
        return QualificationInput(**{k: self.cleaned_data.get(k) or ("" if k != "valid_until"
                                                                       else None)
                                     for k in self.Meta.fields})


class PractitionerForm(forms.ModelForm):
    class Meta:
        model = Practitioner
        fields = ["name", "speciality", "certificate"]
        labels = {"name": pgettext_lazy("person", "Name")}

    def practitioner(self) -> PractitionerInput:
        return PractitionerInput(**{k: self.cleaned_data.get(k) or "" for k in self.Meta.fields})


class _BaseOfferFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            item = getattr(form, "cleaned_data", {}).get("item")
            if item is None:
                continue
            if item.pk in seen:
                form.add_error("item", _("This item is listed twice; keep one row per item."))
            seen.add(item.pk)


OfferFormSet = formset_factory(OfferForm, formset=_BaseOfferFormSet, extra=1, max_num=200)
QualificationFormSet = formset_factory(QualificationForm, extra=1, max_num=100)
PractitionerFormSet = formset_factory(PractitionerForm, extra=1, max_num=500)


def filled(formset) -> list:
    """The forms of a valid formset that the user actually filled."""
    return [form for form in formset.forms if form.has_changed() and form.cleaned_data]


# -- registration papers (agencies/services/papers.py checks the file and the dates) ---------
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaperForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of paper"), choices=Paper.Kind.choices)
    qualification = forms.ModelChoiceField(
        label=_("Qualification proved"), queryset=Qualification.objects.none(), required=False,
        help_text=_("For a qualification certificate: the qualification of your profile it "
                    "proves."))
    title = forms.CharField(label=_("Title"), max_length=200)
    number = forms.CharField(label=_("Certificate number"), max_length=64, required=False)
    authority = forms.CharField(label=_("Issuing authority"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_INPUT)
    expires_on = forms.DateField(label=_("Valid until"), required=False, widget=DATE_INPUT,
                                 help_text=_("Leave empty only for a long-term business "
                                             "licence."))
    # Empty and oversized files reach the service, which refuses them with its own message.
    file = forms.FileField(label=_("File"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(
                               attrs={"accept": "application/pdf,image/png,image/jpeg"}))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = Qualification.objects.filter(agency=agency)

    def paper(self) -> PaperInput:
        data = self.cleaned_data
        qualification = data.get("qualification")
        return PaperInput(kind=data["kind"], title=data["title"], number=data.get("number", ""),
                          authority=data.get("authority", ""), issued_on=data.get("issued_on"),
                          expires_on=data.get("expires_on"),
                          qualification_id=qualification.pk if qualification else None)


class PaperDatesForm(forms.Form):
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_INPUT)
    expires_on = forms.DateField(label=_("Valid until"), required=False, widget=DATE_INPUT)


class SubscriptionForm(forms.Form):
    """One topic (an item, or a category covering its descendants) in some regions; the rule
    (exactly one topic, no duplicates, current regions) is ``agencies.services.subscriptions``'s."""

    item = forms.ModelChoiceField(label=_("Service item"), queryset=public_items(),
                                  required=False, empty_label=_("Choose an item…"))
    category = CategoryChoiceField(label=pgettext_lazy("agencies", "Category"), required=False,
                                   queryset=Category.objects.order_by("path"),
                                   empty_label=_("…or a whole category"),
                                   help_text=_("A category covers every category under it."))
    regions = RegionsField(label=_("Regions"), required=False, help_text=_(
        "Codes or names at any level, separated by ；; a region covers what is under it. "
        "Empty: everywhere."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = public_items()
