from django import forms
from django.utils.translation import gettext_lazy as _

from core.catalogue import Category, service_items
from core.models import Region
from core.widgets import RegionField
from credit.models import Inspection, InspectionFinding
from supervision.models import Complaint

GRADE_CHOICES = [("", _("Any grade"))] + [(g, g) for g in "ABCDE"]


class InspectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    item = forms.ModelChoiceField(label=_("Service item"), required=False,
                                  queryset=service_items(), empty_label=_("Any item"))
    region = RegionField(label=_("Region"), required=False, empty_label=_("Any region"),
                         help_text=_("Agencies registered in this region or under it."))
    grade = forms.ChoiceField(label=_("Credit grade"), required=False, choices=GRADE_CHOICES)
    agency_count = forms.IntegerField(label=_("Agencies to draw"), min_value=1, max_value=200,
                                      initial=5)
    inspector_count = forms.IntegerField(label=_("Inspectors to draw"), min_value=1,
                                         max_value=200, initial=2)
    source = forms.ChoiceField(label=_("Findings recorded as"),
                               choices=Inspection.Source.choices,
                               initial=Inspection.Source.INDUSTRY_DEPARTMENT)

    def __init__(self, *args, jurisdiction: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction
        if jurisdiction is not None:
            self.fields["region"].initial = jurisdiction
            self.fields["region"].help_text = _(
                "Agencies registered in this region or under it; blank: all of %(area)s.") % {
                "area": jurisdiction.name}

    def clean_region(self):
        """A regulator draws from its own jurisdiction: blank means all of it, and a region
        outside it is refused."""
        region, area = self.cleaned_data.get("region"), self.jurisdiction
        if area is None:
            return region
        if region is None:
            return area
        if not region.code.startswith(area.prefix):
            raise forms.ValidationError(_("%(region)s is outside your jurisdiction (%(area)s).")
                                        % {"region": region.name, "area": area.name})
        return region


class InspectorForm(forms.Form):
    code = forms.CharField(label=_("Inspector code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=64)
    department = forms.CharField(label=_("Department"), max_length=200)


class FindingForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[
        (InspectionFinding.Result.PASS, _("Passed")), (InspectionFinding.Result.FAIL, _("Failed"))])
    points = forms.DecimalField(label=_("Points (blank: the rule's default)"), required=False,
                                max_digits=7, decimal_places=2)
    note = forms.CharField(label=_("Findings"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Review note"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Uphold")), ("0", _("Reject"))])
    decision = forms.CharField(label=_("Public reasons"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern of Django's documentation); the content checks
    are the service's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ComplaintForm(forms.Form):
    """An online complaint (supervision.services.complaints.complaint_file checks the rest)."""

    subject = forms.ChoiceField(label=_("What is it about?"), choices=Complaint.Subject.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Complaint.Category.choices)
    project = forms.IntegerField(label=_("Project number"), required=False, min_value=1,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    agency = forms.IntegerField(label=_("Agency number"), required=False, min_value=1,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    text = forms.CharField(label=_("Facts and request"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("What happened, where it shows (quote the posting's "
                                       "words), and what you ask the regulator to do."))
    attachments = MultipleFileField(
        label=_("Evidence (optional)"), required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".pdf,.png,.jpg,.jpeg"}),
        help_text=_("Up to 5 files, PDF, PNG or JPEG. Only the regulator sees them."))


class ComplaintDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("accept", _("Accept for handling")), ("not_accept", _("Do not accept")),
        ("uphold", _("Uphold")), ("dismiss", _("Dismiss"))])
    outcome = forms.CharField(label=_("Public reasons"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))


# --- the expert pool (bidding/services/panels.py) ----------------------------------------------


class ExpertForm(forms.Form):
    """An expert's profile and specialties; the service validates the rules (employer's code,
    at least one specialty)."""

    name = forms.CharField(label=_("Name"), max_length=64)
    title = forms.CharField(label=_("Professional title"), max_length=64, required=False)
    region = forms.ModelChoiceField(label=_("Region"), required=False,
                                    queryset=Region.objects.all(), empty_label=_("Any region"))
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    employer_uscc = forms.CharField(label=_("Employer's unified social credit code"),
                                    max_length=18, required=False,
                                    help_text=_("When the employer is an organisation."))
    categories = forms.ModelMultipleChoiceField(label=_("Specialties (categories)"),
                                                required=False, queryset=None)
    items = forms.ModelMultipleChoiceField(label=_("Specialties (service items)"),
                                           required=False, queryset=service_items())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.order_by("path")


class ExpertCreateForm(ExpertForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    email = forms.EmailField(label=_("E-mail"), required=False)


class ExpertTieForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18)
    name = forms.CharField(label=_("Organisation"), max_length=200)
    note = forms.CharField(label=_("Nature of the tie"), max_length=300,
                           help_text=_("Former employer, shareholding, a relative working there…"))
