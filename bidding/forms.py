"""Forms of the posting pages. They only parse input; the rules live in ``bidding.rules`` and run
in the services (their reasons come back as errors on these forms)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Practitioner
from bidding.models import Project
from bidding.rules import abolished_message
from bidding.services.postings import (
    EDITABLE_FIELDS,
    AvoidanceInput,
    DocumentInput,
    QualificationInput,
)
from core.catalogue import service_items
from core.models import Organisation, StatutoryQualification
from core.widgets import RegionField

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


# The sections of the guided form, in order: (anchor, title, help, fields).
SECTIONS = [
    ("item", _("Service item and approval case"),
     _("Which catalogue item you need, and the investment project / approval case it serves, so "
       "the approval department can find the result."),
     ["item", "title", "investment_code", "approval_case_no", "approval_department", "region"]),
    ("scale", _("Scale and content"), "",
     ["scale", "content", "service_days", "practitioner_count", "other_requirements"]),
    ("funding", _("Funding and budget line"),
     _("A government department paying for a technical service with fiscal funds must use a "
       "competitive method and name the budget line (R6)."),
     ["funding", "fiscal_share", "budget_line"]),
    ("method", _("Selection method and price"), "",
     ["method", "quote_mode", "amount", "ceiling", "floor", "step", "auction_minutes",
      "price_weight", "quality_weight"]),
    ("periods", _("Periods"), "", ["signup_deadline", "selection_at"]),
    ("contacts", _("Enquiry and complaint phones"), "", ["enquiry_phone", "complaint_phone"]),
]

# Which price fields each method uses (the page hides the others with a few lines of JS).
METHOD_FIELDS = {
    Project.Method.LIVE_BIDDING: ["quote_mode", "ceiling", "floor", "step", "auction_minutes"],
    Project.Method.RANDOM_DRAW: ["amount"],
    Project.Method.AVERAGE_PRICE: ["quote_mode", "ceiling", "floor"],
    Project.Method.DIRECT: ["amount"],
    Project.Method.COMPREHENSIVE: ["quote_mode", "ceiling", "floor", "price_weight",
                                   "quality_weight"],
}


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "signup_deadline": DateTimeLocalInput(),
            "selection_at": DateTimeLocalInput(),
            "content": forms.Textarea(attrs={"rows": 4}),
            "other_requirements": forms.Textarea(attrs={"rows": 2}),
            "enquiry_phone": forms.TextInput(attrs={"type": "tel"}),
            "complaint_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "other_requirements": _("Only what the work and the law require. Do not restrict by "
                                    "region or local presence, size, past work for your "
                                    "organisation, ownership, brand, honours, certificates, "
                                    "memberships or a roster, here or in any other field "
                                    "(R3, R4)."),
            "amount": _("For random draw and direct selection: the fee. When quoting by discount "
                        "rate: the base amount the rate is applied to."),
            "ceiling": _("Amount mode: the highest acceptable price (yuan). Discount mode: the "
                         "highest discount rate (%)."),
            "floor": _("Amount mode: the lowest acceptable price (yuan). Discount mode: the lowest "
                       "discount rate (%)."),
            "signup_deadline": _("Sign-up stays open at least the configured number of working "
                                 "days (holidays and 调休 counted)."),
            "selection_at": _("After the sign-up deadline. For live bidding the auction opens "
                              "at this time."),
            "approval_department": _("The department that will receive the result."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = service_items().prefetch_related(None)
        self.fields["approval_department"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.APPROVAL)
        self.fields["region"] = RegionField(
            label=self.fields["region"].label, required=False,
            help_text=self.fields["region"].help_text, empty_label=_("Province…"))
        for name in ("signup_deadline", "selection_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M",
                                               "%Y-%m-%d %H:%M:%S"]
        for name in ("amount", "ceiling", "floor", "step"):
            self.fields[name].widget.attrs.setdefault("step", "0.01")
            self.fields[name].widget.attrs.setdefault("inputmode", "decimal")

    def sections(self):
        for anchor, title, help_text, names in SECTIONS:
            yield {"anchor": anchor, "title": title, "help": help_text,
                   "fields": [self[name] for name in names]}

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class CatalogueEntryField(forms.TypedChoiceField):
    """The select of catalogue qualifications. Any id is let through to ``clean_entry``, so an
    abolished or unknown one is refused with its own message, not "not one of the choices"."""

    def valid_value(self, value):
        text = str(value)
        return (text.isdigit() and len(text) < 19) or super().valid_value(value)


class QualificationForm(forms.Form):
    """One required qualification: picked from the item's catalogue list (``entry``; abolished
    ones are not offered), or — only if a law requires one the list lacks, which then needs the
    regulator's review — typed with its legal basis."""

    entry = CatalogueEntryField(
        label=_("Qualification from the catalogue"), required=False, coerce=int,
        empty_value=None, help_text=_("The qualifications the law requires for the item, with "
                                      "their legal basis (R3)."))
    name = forms.CharField(label=_("Other qualification (not in the catalogue)"),
                           max_length=200, required=False,
                           help_text=_("Only if a law requires it; the posting then needs the "
                                       "regulator's review."))
    grade = forms.CharField(label=_("Minimum grade"), max_length=32, required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=300, required=False,
        widget=forms.TextInput(attrs={"placeholder": "《中华人民共和国测绘法》第二十七条"}),
        help_text=_("For a qualification typed here: the law or regulation and article that "
                    "require it."))

    def __init__(self, *args, qualification_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "—")] + list(qualification_choices)

    def clean_entry(self):
        pk = self.cleaned_data.get("entry")
        if pk is None:
            return None
        entry = StatutoryQualification.objects.filter(pk=pk).first()
        if entry is None:
            raise forms.ValidationError(_("No such qualification in the catalogue."))
        if entry.abolished:
            raise forms.ValidationError(abolished_message(entry))
        return entry

    def clean(self):
        data = super().clean()
        if data.get("entry") is None and not (data.get("name") or "").strip() and \
                (data.get("grade") or data.get("legal_basis")):
            self.add_error("entry", _("Pick the qualification from the catalogue."))
        return data

    def as_input(self) -> QualificationInput | None:
        """The row for the service; None for a row emptied (nothing picked or typed)."""
        entry = self.cleaned_data.get("entry")
        if entry is None and not (self.cleaned_data.get("name") or "").strip():
            return None
        if entry is not None:
            return QualificationInput(entry=entry, name=entry.name, grade=entry.grade,
                                      legal_basis=entry.legal_basis)
        return QualificationInput(name=self.cleaned_data.get("name", ""),
                                  grade=self.cleaned_data.get("grade", ""),
                                  legal_basis=self.cleaned_data.get("legal_basis", ""))


class AvoidanceForm(forms.Form):
    uscc = forms.CharField(label=_("Agency's unified social credit code"), max_length=18)
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=forms.TextInput(attrs={"placeholder": "曾为本项目编制可行性研究报告"}))

    def clean_uscc(self):
        code = self.cleaned_data["uscc"].strip().upper()
        agency = Agency.objects.filter(uscc=code).first()
        if agency is None:
            raise forms.ValidationError(_("No agency with this code is registered."))
        self.cleaned_data["agency"] = agency
        return code

    def as_input(self) -> AvoidanceInput:
        return AvoidanceInput(agency=self.cleaned_data["agency"],
                              reason=self.cleaned_data["reason"])


class DocumentForm(forms.Form):
    name = forms.CharField(label=_("Document name"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("file"):
            self.add_error("file", _("Choose the file to upload."))
        return data

    def as_input(self) -> DocumentInput | None:
        if not self.cleaned_data.get("file"):
            return None
        return DocumentInput(name=self.cleaned_data.get("name") or self.cleaned_data["file"].name,
                             file=self.cleaned_data["file"])


# One empty qualification row, so a row can be added without JavaScript.
QualificationFormSet = forms.formset_factory(QualificationForm, extra=1, can_delete=True)
AvoidanceFormSet = forms.formset_factory(AvoidanceForm, extra=0, can_delete=True)
DocumentFormSet = forms.formset_factory(DocumentForm, extra=1)


def qualification_inputs(formset) -> list[QualificationInput]:
    return [q for q in (f.as_input() for f in kept(formset)) if q is not None]


def kept(formset) -> list:
    """Forms of a formset that are filled in and not marked for deletion."""
    out = []
    for form in formset.forms:
        if not form.has_changed():
            continue
        if formset.can_delete and form.cleaned_data.get("DELETE"):
            continue
        out.append(form)
    return out


class ReviewRequestForm(forms.Form):
    """Send a refused draft to the regulator's review instead of rewriting it (R3, R4)."""

    legal_basis = forms.CharField(
        label=_("Law and article that require it"), max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "《中华人民共和国测绘法》第二十七条"}),
        help_text=_("The law or regulation and the article the flagged requirement relies on."))
    explanation = forms.CharField(label=_("Explanation"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("approve", _("Approve: the law requires it")),
        ("refuse", _("Refuse: the posting must be rewritten"))], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Public reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Public reason for withdrawing"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SignUpForm(forms.Form):
    practitioners = forms.ModelMultipleChoiceField(
        queryset=Practitioner.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, label=_("Practitioners for this project"))

    # Random draw (bidding/draw.py): sha256 of the agency's secret contribution; the page's
    # script fills it in (static/js/draw.js); checked by the service (64 hex characters).
    draw_commitment = forms.CharField(
        required=False, max_length=200, label=_("Your draw commitment (optional)"),
        help_text=_("SHA-256 (64 hexadecimal characters) of a secret contribution of 64 "
                    "hexadecimal characters that you keep and reveal after sign-up closes. "
                    "This page makes one for you; without scripts, make your own with these "
                    "two commands:"))

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency is not None:
            self.fields["practitioners"].queryset = agency.practitioners.all()
