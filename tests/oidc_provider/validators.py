"""The portal's claims: each person's are in ``people.json`` of the provider's directory."""
import json

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def people() -> dict:
    return json.loads((settings.WORKDIR / "people.json").read_text())


class PortalClaims(OAuth2Validator):
    # Every claim the person has is released with the openid scope (the marketplace's own
    # claim names are not OIDC standard ones).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(people()[request.user.username]["claims"])
