"""A tiny OpenID Connect provider standing in for the government-service portal in tests:
its own Django project on django-oauth-toolkit (OIDC on, an RS256 key made at test start, the
portal's claims added by ``validators.PortalClaims``, consent skipped), with its own SQLite
file, started in a subprocess by ``tests/oidc_provider/fixtures.py::oidc_provider``."""
