"""Settings of the test OIDC provider. Everything it needs comes from its working directory,
``OIDC_PROVIDER_DIR`` (its SQLite file, the RSA key, the people and their claims) and its
address, ``OIDC_PROVIDER_URL``."""
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKDIR = Path(os.environ["OIDC_PROVIDER_DIR"])
BASE_URL = os.environ["OIDC_PROVIDER_URL"].rstrip("/")

DEBUG = False
SECRET_KEY = "test-oidc-provider-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [HERE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                       "django.contrib.auth.context_processors.auth"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": str(WORKDIR / "provider.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
# The marketplace runs on the same machine: its cookies must not overwrite ours.
SESSION_COOKIE_NAME = "portal_session"
CSRF_COOKIE_NAME = "portal_csrf"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": BASE_URL + "/o",
    "OIDC_RSA_PRIVATE_KEY": (WORKDIR / "rsa.pem").read_text(),
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validators.PortalClaims",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Profile"},
    "PKCE_REQUIRED": True,
    # The marketplace under test listens on an ephemeral port of localhost (RFC 8252 §7.3).
    "ALLOW_LOCALHOST_LOOPBACK": True,
}
