"""The notification settings form: mobile number, language, each channel as a whole, and one
checkbox per kind and channel (the rules are the service's: a wrong number comes back as the
mobile field's error)."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.selectors.preferences import CONFIGURABLE

CHANNEL_LABELS = {"inbox": pgettext_lazy("notification channel", "Inbox"),
                  "email": pgettext_lazy("notification channel", "E-mail"),
                  "sms": pgettext_lazy("notification channel", "SMS")}


def field_name(kind: str, channel: str) -> str:
    return f"{channel}:{kind}"


class NotificationSettingsForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"), required=False, max_length=20,
        help_text=_("For text messages (SMS) about urgent deadlines."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    language = forms.ChoiceField(label=_("Language of e-mails and text messages"),
                                 choices=settings.LANGUAGES)

    def __init__(self, *args, rows, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for channel in CONFIGURABLE:
            self.fields[f"all:{channel}"] = forms.BooleanField(
                label=CHANNEL_LABELS[channel], required=False,
                initial=choices.channel_on(channel))
        for row in rows:
            for channel in CONFIGURABLE:
                label = f"{row.spec.title} · {CHANNEL_LABELS[channel]}"
                self.fields[field_name(row.kind, channel)] = forms.BooleanField(
                    label=label, required=False, initial=row.enabled[channel],
                    widget=forms.CheckboxInput(attrs={"aria-label": label}))

    def channel_fields(self):
        return [self[f"all:{channel}"] for channel in CONFIGURABLE]

    def table(self):
        """``[(row, [bound field per configurable channel])]`` for the template."""
        return [(row, [self[field_name(row.kind, c)] for c in CONFIGURABLE]) for row in self.rows]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "mobile": data["mobile"], "language": data["language"],
            "channels": {c: data[f"all:{c}"] for c in CONFIGURABLE},
            "kinds": [(row.kind, c, data[field_name(row.kind, c)])
                      for row in self.rows for c in CONFIGURABLE],
        }
