"""Prepare the provider's database: migrate, create the people of ``people.json`` and the
marketplace's client application. Run as ``python -m tests.oidc_provider.bootstrap`` with
``DJANGO_SETTINGS_MODULE=tests.oidc_provider.settings``."""
import json
import os
import sys

import django


def main() -> None:
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from tests.oidc_provider.validators import people

    call_command("migrate", verbosity=0, interactive=False)
    for username, person in people().items():
        get_user_model().objects.create_user(username=username, password=person["password"])
    client = json.loads(os.environ["OIDC_PROVIDER_CLIENT"])
    Application.objects.create(
        name="中介服务网上交易平台", client_id=client["id"], client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]), algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True)


if __name__ == "__main__":
    sys.exit(main())
