from django import forms
from django.utils.translation import gettext_lazy as _

from core.catalogue import Category, service_items
from core.models import Region
from credit.models import Inspection, InspectionFinding

GRADE_CHOICES = [("", _("Any grade"))] + [(g, g) for g in "ABCDE"]


class InspectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    item = forms.ModelChoiceField(label=_("Service item"), required=False,
                                  queryset=service_items(), empty_label=_("Any item"))
    region = forms.ModelChoiceField(label=_("Region"), required=False,
                                    queryset=Region.objects.all(), empty_label=_("Any region"))
    grade = forms.ChoiceField(label=_("Credit grade"), required=False, choices=GRADE_CHOICES)
    agency_count = forms.IntegerField(label=_("Agencies to draw"), min_value=1, max_value=200,
                                      initial=5)
    inspector_count = forms.IntegerField(label=_("Inspectors to draw"), min_value=1,
                                         max_value=200, initial=2)
    source = forms.ChoiceField(label=_("Findings recorded as"),
                               choices=Inspection.Source.choices,
                               initial=Inspection.Source.INDUSTRY_DEPARTMENT)


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
