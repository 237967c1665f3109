"""Settings of the intermediary-service marketplace, read from the environment.

Embedded default (no variable set): SQLite in ``db.sqlite3`` and the in-memory channel layer.
``DATABASE_URL`` (postgres://…) and ``REDIS_URL`` (redis://…) switch to the real services.
"""
import datetime as dt
import hashlib
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured
from oscar.defaults import *  # noqa: F401,F403  (Oscar's documented way of loading its defaults)
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

BASE_DIR = Path(__file__).resolve().parent.parent

# Every variable is read in this module, once, with its type (django-environ for booleans,
# lists and strings; ``_read`` below for the typed platform rules).
env = environ.Env()


def _read(name: str, cast, default):
    """``name`` from the environment cast with ``cast`` (``default`` when unset); a value that
    does not parse is refused with ``ImproperlyConfigured`` naming the variable."""
    if name not in os.environ:
        return default
    raw = os.environ[name]
    try:
        return cast(raw.strip())
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: {exc}" if str(exc) else f"{name}={raw!r} is not valid") from exc


def _nonnegative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("expected a whole number >= 0")
    return value


def _odd_positive_int(text: str) -> int:
    value = int(text)
    if value < 1 or value % 2 == 0:
        raise ValueError("expected an odd whole number >= 1")
    return value


def _number(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return value


def _amount(text: str) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if not value.is_finite() or value < 0:
        raise ValueError("expected an amount in yuan >= 0")
    return value


def _weights(text: str) -> str:
    """``"5:3:2"``: the weights of purchasers, industry departments and the operator."""
    parts = text.split(":")
    numbers = [_number(p) for p in parts] if len(parts) == 3 else []
    if not numbers or any(n < 0 for n in numbers) or not any(numbers):
        raise ValueError("expected three non-negative numbers like 5:3:2")
    return text


def _grade(text: str) -> str:
    if text not in ("A", "B", "C", "D", "E"):
        raise ValueError("expected a credit grade, A to E")
    return text


def _share(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= 1:
        raise ValueError("expected a share between 0 and 1")
    return value


def _text(text: str) -> str:
    if not text:
        raise ValueError("expected a non-empty value")
    return text


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("expected a whole number >= 1")
    return value


def _url_path(text: str) -> str:
    if not (text.startswith("/") and text.endswith("/")):
        raise ValueError("expected a path that starts and ends with /")
    return text


def _site_url(text: str) -> str:
    if not text.startswith(("http://", "https://")) or len(text.rstrip("/")) < 9:
        raise ValueError("expected the site's address, like https://zjcs.example.gov.cn")
    return text.rstrip("/")


def _directory(text: str) -> Path:
    if not text:
        raise ValueError("expected a directory")
    return Path(text).expanduser()


PAPER_TYPE_NAMES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def _paper_types(text: str) -> tuple[str, ...]:
    """``"pdf,png,jpeg"``: the kinds of file a registration paper may be (a subset of those
    agencies/services/papers.py recognises by their content)."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in PAPER_TYPE_NAMES]
    if not names or unknown:
        raise ValueError(f"expected some of {', '.join(PAPER_TYPE_NAMES)}")
    return tuple(PAPER_TYPE_NAMES[n] for n in dict.fromkeys(names))


def _names(name: str, default: list[str]) -> list[str]:
    """A comma-separated list, each part stripped (``"a.cn, b.cn"``), empty parts dropped."""
    return [part.strip() for part in env.list(name, default=default) if part.strip()]


DEBUG = env.bool("DEBUG", default=True)
# With DEBUG on and no SECRET_KEY, `make run` works out of the box on this public key; every
# page then shows a development banner (core/context_processors.py) and the ASGI application
# refuses requests that arrive on anything but a loopback address (marketplace/asgi.py).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-production"
# Not env.str: django-environ would read a key starting with "$" as the name of another variable.
SECRET_KEY = _read("SECRET_KEY", str, "") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
# The random draw's server key (bidding/draw.py): each draw project's platform secret is
# HMAC-SHA256(DRAW_SECRET_KEY, project, salt), so the database alone never holds a secret before
# its draw. Changing it makes the pending draws' commitments unmatchable: set it once.
DRAW_SECRET_KEY = _read("DRAW_SECRET_KEY", _text, "") or hashlib.sha256(
    ("draw-secret-key|" + SECRET_KEY).encode()).hexdigest()
ALLOWED_HOSTS = _names("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = _names("CSRF_TRUSTED_ORIGINS",
                              ["http://127.0.0.1:8000", "http://localhost:8000"])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "axes",  # sign-in throttling (core/throttle.py)
    # django-oscar: the catalogue and partners are the public shelf (docs/design.md §4). The
    # other Oscar apps below stay only because the catalogue's and partner's code looks them up
    # at start-up, or their migrations depend on them (each removal was tried: "No installed app
    # with label …", AppNotFoundError or a missing migration parent). Oscar's root app
    # (oscar.config.Shop), its 13 dashboard apps, haystack's app, django-tables2 and
    # widget-tweaks serve only the shop UI, which is not routed, and are not installed.
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "oscar.apps.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar.apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "treebeard",
    # third-party
    "channels",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # ours, from the ground floor up (docs/architecture.md)
    "core",
    "notifications",
    "webhooks",
    "agencies",
    "bidding",
    "credit",
    "ratings",
    "supervision",
    "opendata",
    "marketplace",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.views.errors.DebugNotFoundMiddleware",  # DEBUG's 404 page lists every URL
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into core/throttle.py's answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
                "notifications.context_processors.unread",
            ],
        },
    },
]

WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Tables and indexes are cached or on SSD: tell the planner random reads are cheap, so
        # it uses the directory's partial and covering indexes (bench/directory.py).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = env.str(
            "PG_OPTIONS", default="-c random_page_cost=1.1 -c lock_timeout=5s")
        # Behind PgBouncer in transaction mode a session's prepared statements and server-side
        # cursors are not kept from one transaction to the next (core/prepared.py).
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
            "PG_TRANSACTION_POOLING", default=False)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL and immediate transactions: writers queue instead of failing with
                # "database is locked" (docs/architecture.md, embedded default).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default lacks two PostgreSQL index features the models declare: covering
    # columns (the directory's index still works without them) and NULLS NOT DISTINCT (the
    # subscription service refuses duplicates itself). Said once here, not on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]
DATABASES["default"].setdefault("TEST", {})
if env.str("TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"]["NAME"] = env.str("TEST_DB_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels -----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="").strip()
if REDIS_URL:
    # A host dict is passed to redis-py's ``ConnectionPool.from_url(address, **rest)``; options
    # in the URL's query string win over these. redis-py 8 defaults to a 5 s socket timeout,
    # the same as channels-redis's blocking BZPOPMIN (5 s), so an idle receive would die with
    # "Timeout reading"; and to 100 connections per pool, which many concurrent group
    # operations exceed ("Too many connections"). And it does not retry: after a Redis restart
    # every pooled connection fails its next command once ("Connection closed by server"),
    # losing that broadcast or renewal; a retry on a fresh connection (up to ~1 s, then the
    # error) makes a restart cost only what was sent while Redis was down.
    # Both backends are Channels' plus the membership check with which the relay notices a
    # layer that forgot it, e.g. a Redis restarted empty (``core/broadcast.py``).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "core.broadcast.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{
                    "address": REDIS_URL,
                    "socket_timeout": 30,
                    "socket_connect_timeout": 5,
                    "socket_keepalive": True,
                    "max_connections": 1000,
                    "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 3,
                                   supported_errors=(RedisConnectionError,)),
                }],
                "prefix": env.str("CHANNEL_PREFIX", default="asgi"),
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "core.broadcast.InMemoryChannelLayer"}}

# --- Background work: Celery (marketplace/celery.py; README, "Background work") ----------
# The broker is Redis when REDIS_URL is set (CELERY_BROKER_URL overrides it). The embedded
# default needs no server: kombu's filesystem transport, a folder of message files under
# CELERY_BROKER_DIR that the web process and the worker share on one machine. Eager mode
# (tasks run in the caller) is for unit tests only (CELERY_TASK_ALWAYS_EAGER, tests/conftest.py).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="").strip() or REDIS_URL or "filesystem://"
CELERY_BROKER_DIR = _read("CELERY_BROKER_DIR", _directory, BASE_DIR / ".celery")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="marketplace").strip() or "marketplace"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True              # a task is acknowledged once it has run …
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # … and goes back to the queue if its worker dies
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection after every task unless this is set
# (measured: a new PostgreSQL connection per delivery, a third of the worker's time); reused,
# Django's CONN_MAX_AGE and health checks decide as in a web process.
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_BROKER_DIR / "beat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Deliveries still pending after this many seconds are sent again by the periodic
# notifications_retry step (and by each worker that starts).
NOTIFICATIONS_RETRY_AFTER = _read("NOTIFICATIONS_RETRY_AFTER", _nonnegative_int, 60)
# Webhooks for integrators (docs/architecture.md, "Webhooks"): seconds to wait for an
# endpoint's answer, attempts before a delivery is failed, the site's address that makes the
# events' links absolute, and whether http://127.0.0.1 / localhost endpoints are allowed
# besides HTTPS ones (always with DEBUG; the tests' local receiver needs it).
WEBHOOKS_TIMEOUT = _read("WEBHOOKS_TIMEOUT", _number, 10.0)
WEBHOOKS_MAX_ATTEMPTS = _read("WEBHOOKS_MAX_ATTEMPTS", _nonnegative_int, 8) or 1
WEBHOOKS_SITE_URL = env.str("WEBHOOKS_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)

# --- Notifications by e-mail and text message (docs/architecture.md, "Notifications") ------
# SITE_URL: the site's address as people reach it, for the links in e-mails and text messages.
SITE_URL = _read("SITE_URL", _site_url, "http://127.0.0.1:8000")

# --- Open data (docs/architecture.md, "Open data") --------------------------------------
# The OCDS ocid prefix: "ocds-" and the 6 characters the Open Contracting Partnership assigns
# to a publisher. The default is a placeholder: a province publishing its data registers its
# own prefix and sets OCDS_OCID_PREFIX (changing it later changes every ocid).
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-xxxxxx-zjmp").strip()
# The publisher named in every release and record package, and the data's licence.
OCDS_PUBLISHER_NAME = env.str("OCDS_PUBLISHER_NAME", default="中介服务网上交易平台").strip()
OPEN_DATA_LICENSE = env.str("OPEN_DATA_LICENSE",
                            default="https://creativecommons.org/licenses/by/4.0/").strip()
# E-mail: EMAIL_URL (smtp://user:password@host:587, smtp+tls://…, smtp+ssl://…,
# consolemail://) or EMAIL_HOST with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS / EMAIL_USE_SSL; neither set: e-mails are written to the console.
EMAIL_URL = env.str("EMAIL_URL", default="").strip()
EMAIL_HOST = env.str("EMAIL_HOST", default="").strip()
if EMAIL_URL:
    _email = env.email_url_config(EMAIL_URL)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
    EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = _read("EMAIL_PORT", _positive_int, 25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = _read("EMAIL_HOST_PASSWORD", str, "")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = _read("EMAIL_TIMEOUT", _number, 10.0)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost").strip()
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Text messages: SMS_URL names an HTTP gateway (https://user:password@gw.example/send for
# basic authentication, https://:token@gw.example/send for a bearer token) that takes
# {"to", "text", "idempotency_key"} as JSON; unset, messages are only logged
# (notifications/sms.py).
SMS_URL = env.str("SMS_URL", default="").strip()
SMS_TIMEOUT = _read("SMS_TIMEOUT", _number, 10.0)

# --- Auth ---------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "core.throttle.SignInThrottle",  # django-axes' lock-out check, first (core/throttle.py)
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on with the government-service portal (政务服务网统一身份认证) over OpenID
    # Connect; inert while OIDC_ISSUER is unset (core/identity/backend.py).
    "core.identity.backend.PortalBackend",
]
# Sign-in throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one user name or
# from one address lock both out for LOGIN_COOLOFF_MINUTES after the last failure; the right
# password is refused meanwhile; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = _read("LOGIN_FAILURE_LIMIT", _nonnegative_int, 5) or 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=_read("LOGIN_COOLOFF_MINUTES", _nonnegative_int, 15)
                                 or 15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "core.throttle.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "home"

# --- Single sign-on with the government-service portal (OpenID Connect) ------------------
# mozilla-django-oidc with our backend (docs/architecture.md, "Identity"). OIDC_ISSUER unset =
# no portal: password sign-in only. The endpoints are discovered once from
# <OIDC_ISSUER>/.well-known/openid-configuration (core/identity/config.py); an endpoint
# variable set here wins over the discovered one.
#   OIDC_ISSUER                 the portal's issuer URL (the ``iss`` its ID tokens carry)
#   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   the platform's registration at the portal
#   OIDC_SCOPES                 default "openid profile"
#   OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT, OIDC_USERINFO_ENDPOINT,
#   OIDC_JWKS_ENDPOINT          override discovery
#   OIDC_SIGN_ALGO              the ID token's signature algorithm, default RS256
#   OIDC_CLAIM_USCC, OIDC_CLAIM_ORGANISATION, OIDC_CLAIM_PERSON, OIDC_CLAIM_KIND
#                               the claim names of the legal person's code, the organisation's
#                               name, the person's name and the kind of login (defaults uscc,
#                               org_name, name, login_kind)
#   OIDC_LEGAL_PERSON_KINDS     values of the kind claim meaning a legal-person (enterprise)
#                               login, comma-separated, default "legal_person"; any other value
#                               is a natural person
#   OIDC_TIMEOUT                seconds to wait for the portal, default 10
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").strip().rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="").strip()
OIDC_RP_CLIENT_SECRET = _read("OIDC_CLIENT_SECRET", str, "")
if OIDC_ISSUER and not OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured("OIDC_ISSUER is set: OIDC_CLIENT_ID must be set too")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid profile").strip()
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256").strip()
OIDC_ENDPOINTS = {  # empty: discovered (core/identity/config.py::endpoint)
    "authorization_endpoint": env.str("OIDC_AUTHORIZATION_ENDPOINT", default="").strip(),
    "token_endpoint": env.str("OIDC_TOKEN_ENDPOINT", default="").strip(),
    "userinfo_endpoint": env.str("OIDC_USERINFO_ENDPOINT", default="").strip(),
    "jwks_uri": env.str("OIDC_JWKS_ENDPOINT", default="").strip(),
}
OIDC_CLAIMS = {
    "USCC": env.str("OIDC_CLAIM_USCC", default="uscc").strip(),
    "ORGANISATION": env.str("OIDC_CLAIM_ORGANISATION", default="org_name").strip(),
    "PERSON": env.str("OIDC_CLAIM_PERSON", default="name").strip(),
    "KIND": env.str("OIDC_CLAIM_KIND", default="login_kind").strip(),
}
OIDC_LEGAL_PERSON_KINDS = _names("OIDC_LEGAL_PERSON_KINDS", ["legal_person"])
OIDC_TIMEOUT = _read("OIDC_TIMEOUT", _number, 10.0)
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "portal-callback"
LOGIN_REDIRECT_URL_FAILURE = "login"

# --- Internationalisation: Simplified Chinese first, English second ------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files. Registration papers live under MEDIA_ROOT/papers/ and are never served from
# MEDIA_URL: only agencies/views/papers.py sends them, after the permission check.
MEDIA_URL = _read("MEDIA_URL", _url_path, "/media/")
MEDIA_ROOT = _read("MEDIA_ROOT", _directory, BASE_DIR / "media")
# Open data (docs/architecture.md, "Open data"): the daily bulk files are written to
# OPEN_DATA_ROOT (unset: MEDIA_ROOT/opendata, resolved when used), the last OPEN_DATA_KEEP_DAYS
# days kept; the flattened CSV/XLSX cover the last OPEN_DATA_FLAT_MONTHS months; the data's
# licence is OPEN_DATA_LICENSE (a URL) named OPEN_DATA_LICENSE_NAME.
OPEN_DATA_ROOT = _read("OPEN_DATA_ROOT", _directory, None)
OPEN_DATA_KEEP_DAYS = _read("OPEN_DATA_KEEP_DAYS", _positive_int, 7)
OPEN_DATA_FLAT_MONTHS = _read("OPEN_DATA_FLAT_MONTHS", _positive_int, 12)
OPEN_DATA_LICENSE = env.str("OPEN_DATA_LICENSE",
                            default="https://creativecommons.org/licenses/by/4.0/").strip()
OPEN_DATA_LICENSE_NAME = env.str("OPEN_DATA_LICENSE_NAME", default="CC BY 4.0").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (production values come with DEBUG=0) ---------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", _nonnegative_int, 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Oscar --------------------------------------------------------------------------------
OSCAR_SHOP_NAME = "中介服务网上交易平台"
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_HOMEPAGE = "/"
# Oscar's search forms import haystack at start-up, which refuses to load without a connection.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
OSCAR_SEND_REGISTRATION_EMAIL = False
OSCAR_EAGER_ALERTS = False

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # One JSON parser for every endpoint: it refuses a body that is not an object, text the
    # database cannot store and documents nested too deeply (core/api.py, StrictJSONParser).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # django-filter's backend, refusing query parameters no filter declares (core/api.py).
    "DEFAULT_FILTER_BACKENDS": ["core.api.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "中介服务网上交易平台 API",
    "DESCRIPTION": "Intermediary-service online marketplace: catalogue, agencies, projects, "
    "live bidding, awards, ratings and credit.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs pages use the bundled Swagger UI / ReDoc (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the 4xx answers it can give, with the one error body
    # (core/schema.py); drf-spectacular's own hook (enums) runs first.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.document_errors",
    ],
    # Every model has its own ``status``: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "bidding.models.Project.Status",
        "SignUpStatusEnum": "bidding.models.SignUp.Status",
        "AwardStatusEnum": "bidding.models.Award.Status",
        "ObjectionStatusEnum": "bidding.models.Objection.Status",
        "DeliveryStatusEnum": "bidding.models.Delivery.Status",
        "RatingStatusEnum": "ratings.models.Rating.Status",
        "RatingAppealStatusEnum": "ratings.models.RatingAppeal.Status",
        "SanctionStatusEnum": "credit.models.Sanction.Status",
        "InspectionStatusEnum": "credit.models.Inspection.Status",
        "PaperKindEnum": "agencies.models.Paper.Kind",
        "SanctionKindEnum": "credit.models.Sanction.Kind",
        "CreditEventKindEnum": "credit.models.CreditEvent.Kind",
    },
}

# --- Platform rules: periods and thresholds differ by province (docs/design.md) ------------
# Each rule is read from the variable of the same name, with its type; its default is written
# here and nowhere else (code reads ``settings.MARKETPLACE["KEY"]``; README lists them).
MARKETPLACE = {
    "PLATFORM_NAME": "中介服务网上交易平台",
    # What the regulator's risk list flags (supervision.selectors.workspace).
    "RISK_SCORE_DROP": _read("RISK_SCORE_DROP", _number, 5.0),
    "RISK_COMPLAINTS_12M": _read("RISK_COMPLAINTS_12M", _nonnegative_int, 2),
    "RISK_PAIR_MIN_PROJECTS": _read("RISK_PAIR_MIN_PROJECTS", _nonnegative_int, 3),
    "RISK_WINNER_MIN_AWARDS": _read("RISK_WINNER_MIN_AWARDS", _nonnegative_int, 3),
    "RISK_WINNER_SHARE": _read("RISK_WINNER_SHARE", _share, 0.6),
    # Credit model and exit mechanism (credit.scoring, credit.services.ledger).
    "CREDIT_BASE_SCORE": _read("CREDIT_BASE_SCORE", _number, 80.0),
    "CREDIT_SOURCE_WEIGHTS": _read("CREDIT_SOURCE_WEIGHTS", _weights, "5:3:2"),
    "CREDIT_HALF_LIFE_DAYS": _read("CREDIT_HALF_LIFE_DAYS", _number, 730.0),
    "CREDIT_PRIOR_MEAN": _read("CREDIT_PRIOR_MEAN", _number, 3.5),
    "CREDIT_PRIOR_WEIGHT": _read("CREDIT_PRIOR_WEIGHT", _number, 8.0),
    "CREDIT_POINTS_PER_STAR": _read("CREDIT_POINTS_PER_STAR", _number, 12.0),
    "SANCTION_WARNING_GRADE": _read("SANCTION_WARNING_GRADE", _grade, "D"),
    "SANCTION_SUSPEND_AT_STARS": _read("SANCTION_SUSPEND_AT_STARS", _nonnegative_int, 1),
    "SANCTION_SUSPENSION_DAYS": _read("SANCTION_SUSPENSION_DAYS", _nonnegative_int, 90),
    "SANCTION_BLACKLIST_YEARS": _read("SANCTION_BLACKLIST_YEARS", _nonnegative_int, 3),
    "SANCTION_COMPLAINTS_FOR_EXPULSION": _read("SANCTION_COMPLAINTS_FOR_EXPULSION",
                                               _nonnegative_int, 3),
    "SANCTION_COMPLAINT_WINDOW_DAYS": _read("SANCTION_COMPLAINT_WINDOW_DAYS",
                                            _nonnegative_int, 365),
    # Postings, selection, live bidding, awards, ratings (bidding, ratings).
    "SIGNUP_MIN_WORKING_DAYS": _read("SIGNUP_MIN_WORKING_DAYS", _nonnegative_int, 3),
    "SUPERVISION_PHONE": _read("SUPERVISION_PHONE", _text, "12345"),
    "MIN_SIGNUPS_COMPETITIVE": _read("MIN_SIGNUPS_COMPETITIVE", _nonnegative_int, 3),
    "DIRECT_SELECTION_MAX_AMOUNT": _read("DIRECT_SELECTION_MAX_AMOUNT", _amount,
                                         Decimal("100000")),
    # Random draw: how long agencies may reveal their contributions after sign-up closes.
    "DRAW_REVEAL_MINUTES": _read("DRAW_REVEAL_MINUTES", _nonnegative_int, 60),
    "ANTI_SNIPING_MINUTES": _read("ANTI_SNIPING_MINUTES", _nonnegative_int, 3),
    "ANTI_SNIPING_EXTENSION_MINUTES": _read("ANTI_SNIPING_EXTENSION_MINUTES",
                                            _nonnegative_int, 3),
    "OBJECTION_WORKING_DAYS": _read("OBJECTION_WORKING_DAYS", _nonnegative_int, 3),
    "CONTRACT_WORKING_DAYS": _read("CONTRACT_WORKING_DAYS", _nonnegative_int, 5),
    "RATING_WORKING_DAYS": _read("RATING_WORKING_DAYS", _nonnegative_int, 10),
    # Online complaints (supervision): 《政府采购质疑和投诉办法》 (财政部令第94号) gives 5 working
    # days to review a complaint for acceptance and 30 to decide it.
    "COMPLAINT_ACCEPT_WORKING_DAYS": _read("COMPLAINT_ACCEPT_WORKING_DAYS", _nonnegative_int, 5),
    "COMPLAINT_DECIDE_WORKING_DAYS": _read("COMPLAINT_DECIDE_WORKING_DAYS", _nonnegative_int, 30),
    # Registration papers (agencies.services.papers): upload limits, recognised by content.
    "PAPER_MAX_BYTES": _read("PAPER_MAX_BYTES", _positive_int, 10 * 1024 * 1024),
    "PAPER_TYPES": _read("PAPER_TYPES", _paper_types, tuple(PAPER_TYPE_NAMES.values())),
    "PAPER_IMAGE_MIN_SIDE": _read("PAPER_IMAGE_MIN_SIDE", _positive_int, 200),
    "PAPER_IMAGE_MAX_SIDE": _read("PAPER_IMAGE_MAX_SIDE", _positive_int, 10000),
    "PAPER_EXPIRY_WARNING_DAYS": _read("PAPER_EXPIRY_WARNING_DAYS", _nonnegative_int, 30),
    # Comprehensive evaluation by a drawn expert panel (bidding.services.panels): the panel's
    # size (odd), the hours the experts have to score, and how long an expert who sat on a
    # panel for a purchaser is not drawn again for the same purchaser.
    "EVALUATION_PANEL_SIZE": _read("EVALUATION_PANEL_SIZE", _odd_positive_int, 3),
    "EXPERT_SCORING_HOURS": _read("EXPERT_SCORING_HOURS", _nonnegative_int, 48),
    "EXPERT_COOLDOWN_DAYS": _read("EXPERT_COOLDOWN_DAYS", _nonnegative_int, 90),
    # The platform secret the panel seed is derived from (bidding.services.panels.panel_seed);
    # defaults to SECRET_KEY. The seed's sha256 is published on the project before sign-up
    # closes.
    "PANEL_SEED_SECRET": _read("PANEL_SEED_SECRET", _text, "") or SECRET_KEY,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

WHITENOISE_USE_FINDERS = DEBUG
