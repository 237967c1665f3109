"""The form of the endpoints page: the service checks the URL and the event types."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import registered_kinds
from webhooks.models import ALL_KINDS


class EndpointForm(forms.Form):
    url = forms.CharField(label=pgettext_lazy("webhook", "URL"), max_length=500,
                          help_text=_("An https:// URL."))
    event_types = forms.MultipleChoiceField(label=_("event types"),
                                            widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(label=_("description"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = registered_kinds()
        self.fields["event_types"].choices = [(ALL_KINDS, _("Every kind"))] + [
            (code, f"{spec.title} ({code})") for code, spec in sorted(kinds.items())]
