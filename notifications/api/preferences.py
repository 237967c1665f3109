"""One's notification settings over the API (docs/architecture.md, "Notifications"):

- ``GET /api/v1/notifications/preferences/``: mobile number, language, each channel as a whole
  and, for every kind meant for one's role, whether it reaches one on each channel;
- ``PUT /api/v1/notifications/preferences/``: change what the body names, keep the rest. A
  wrong mobile number, an unknown kind or channel, or the inbox turned off is a 400 naming the
  field."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StrictFieldsMixin
from core.schema import error_responses
from notifications.selectors.preferences import (
    ALWAYS_ON,
    CONFIGURABLE,
    choices_of,
    preference_rows,
    settings_of,
)
from notifications.services.preferences import notification_settings_update

CHANNELS = ALWAYS_ON + CONFIGURABLE


class KindPreferenceOutput(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    urgent = serializers.BooleanField()
    channel = serializers.ChoiceField(choices=CHANNELS)
    enabled = serializers.BooleanField()
    locked = serializers.BooleanField(help_text="true for the inbox: it cannot be turned off")


class ChannelOutput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=CONFIGURABLE)
    enabled = serializers.BooleanField()


class PreferencesOutput(serializers.Serializer):
    email = serializers.CharField(help_text="where e-mails go (the account's address)")
    mobile = serializers.CharField()
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    channels = ChannelOutput(many=True)
    kinds = KindPreferenceOutput(many=True)


class ChannelInput(StrictFieldsMixin, serializers.Serializer):
    channel = serializers.CharField(max_length=32)
    enabled = serializers.BooleanField()


class KindPreferenceInput(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.CharField(max_length=64)
    channel = serializers.CharField(max_length=32)
    enabled = serializers.BooleanField()


class PreferencesInput(StrictFieldsMixin, serializers.Serializer):
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                   help_text="mainland mobile number, 11 digits; empty: none")
    language = serializers.CharField(max_length=16, required=False)
    channels = ChannelInput(many=True, required=False)
    kinds = KindPreferenceInput(many=True, required=False, max_length=500)


def _output(user) -> dict:
    choices = choices_of(user)
    row = settings_of(user)
    return {
        "email": user.email or "", "mobile": row.mobile, "language": row.language,
        "channels": [{"channel": c, "enabled": choices.channel_on(c)} for c in CONFIGURABLE],
        "kinds": [{"kind": r.kind, "title": str(r.spec.title), "urgent": r.spec.urgent,
                   "channel": c, "enabled": r.enabled[c], "locked": c in ALWAYS_ON}
                  for r in preference_rows(user, choices) for c in CHANNELS],
    }


class Preferences(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="One's notification settings", operation_id="v1_notification_prefs",
                   responses={200: PreferencesOutput, **error_responses(401)})
    def get(self, request):
        return Response(PreferencesOutput(_output(request.user)).data)

    @extend_schema(summary="Change one's notification settings (what the body names)",
                   operation_id="v1_notification_prefs_update", request=PreferencesInput,
                   responses={200: PreferencesOutput, **error_responses(400, 401)})
    def put(self, request):
        body = PreferencesInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        notification_settings_update(
            actor=request.user, user=request.user, mobile=data.get("mobile"),
            language=data.get("language"),
            channels={c["channel"]: c["enabled"] for c in data.get("channels", [])} or None,
            kinds=[(k["kind"], k["channel"], k["enabled"]) for k in data.get("kinds", [])])
        return Response(PreferencesOutput(_output(request.user)).data)
