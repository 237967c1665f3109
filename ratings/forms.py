from django import forms
from django.utils.translation import gettext_lazy as _

from ratings.selectors.purchasers import PURCHASER_DIMENSION_LABELS
from ratings.selectors.ratings import DIMENSION_LABELS

STAR_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RatingForm(forms.Form):
    quality = forms.TypedChoiceField(label=DIMENSION_LABELS["quality"], choices=STAR_CHOICES,
                                     coerce=int, widget=forms.RadioSelect)
    timeliness = forms.TypedChoiceField(label=DIMENSION_LABELS["timeliness"],
                                        choices=STAR_CHOICES, coerce=int,
                                        widget=forms.RadioSelect)
    attitude = forms.TypedChoiceField(label=DIMENSION_LABELS["attitude"], choices=STAR_CHOICES,
                                      coerce=int, widget=forms.RadioSelect)
    fees = forms.TypedChoiceField(label=DIMENSION_LABELS["fees"], choices=STAR_CHOICES,
                                  coerce=int, widget=forms.RadioSelect)
    conduct = forms.TypedChoiceField(label=DIMENSION_LABELS["conduct"], choices=STAR_CHOICES,
                                     coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Public. Describe the service; no personal data."))

    def star_fields(self):
        return [self[name] for name in ("quality", "timeliness", "attitude", "fees", "conduct")]


def _star_field(label):
    return forms.TypedChoiceField(label=label, choices=STAR_CHOICES, coerce=int,
                                  widget=forms.RadioSelect)


class PurchaserRatingForm(forms.Form):
    """The agency's rating of the purchaser (two-sided accountability), the same five-star
    pattern as ``RatingForm``."""

    clarity = _star_field(PURCHASER_DIMENSION_LABELS["clarity"])
    cooperation = _star_field(PURCHASER_DIMENSION_LABELS["cooperation"])
    fairness = _star_field(PURCHASER_DIMENSION_LABELS["fairness"])
    payment = _star_field(PURCHASER_DIMENSION_LABELS["payment"])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Public. Describe the cooperation; no personal data."))

    def star_fields(self):
        return [self[name] for name in ("clarity", "cooperation", "fairness", "payment")]


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your public reply"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Grounds of appeal"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("A regulator decides; if upheld the rating is voided "
                                         "with a public reason."))


class DecisionForm(forms.Form):
    uphold = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("Uphold: void the rating")), ("0", _("Reject: the rating stands"))])
    decision = forms.CharField(label=_("Public reasons"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Public reason for voiding"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))
