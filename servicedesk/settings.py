"""One settings module, driven by the environment (12-factor).

With nothing set the project runs on an embedded default: SQLite under ``var/`` and
Celery tasks run eagerly in-process. Set ``DATABASE_URL`` and ``CELERY_BROKER_URL`` to
run on PostgreSQL and a real broker. ``DEBUG`` defaults to off; ``make run`` turns it on.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG: bool = env.bool("DEBUG", default=False)

# A development key is acceptable only while DEBUG is on; production must supply one.
_DEV_SECRET_KEY = "django-insecure-servicedesk-development-only"
SECRET_KEY: str = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "accounts",
    "kernel",
    "catalog",
    "incidents",
    "problems",
    "changes",
    "notifications",
    "oncall",
    "portal",
    "statuspage",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (collectstatic), before sessions and auth do any work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production (deploy/serve.py's workers serve one request at a
# time each, so each holds one connection); none under DEBUG, where runserver starts a thread
# per request and every thread would keep its own. Health checks drop a connection the
# server closed (restart, failover, PgBouncer) before a request uses it, not during it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=not DEBUG)
# Behind PgBouncer in transaction pooling a named cursor (QuerySet.iterator()) cannot outlive
# the transaction's server connection: docs/operations.md#scaling-out.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare a statement run this often on one connection:
    # PostgreSQL then plans it once per connection, not per request. Planning the
    # ticket queries (ten joins) costs more than running them. 0 turns it off (PgBouncer in
    # transaction mode before 1.21, see docs/operations.md).
    _prepare = env.int("DB_PREPARE_THRESHOLD", default=2)
    if _prepare:
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": _prepare,
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.PermissionBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
# WhiteNoise serves STATIC_ROOT with DEBUG off (docs/operations.md#web-server); collectstatic
# writes gzip copies beside the files. Not the manifest (hashed names) storage: with it, a
# page rendered before collectstatic ran fails instead of missing its CSS.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# End users sign in on the portal; staff who sign in there are sent on to the admin.
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Mail: EMAIL_URL (smtp+tls://user:pass@host:587). In development mail is written to files
# under var/mail, so the embedded default needs no mail server; in production the default
# is the local MTA.
if "EMAIL_URL" in env or not DEBUG:
    _mail = env.email_url("EMAIL_URL", default="smtp://localhost:25")
    MAILERS = {
        "default": {
            "BACKEND": _mail["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _mail.get("EMAIL_HOST"),
                "port": _mail.get("EMAIL_PORT"),
                "username": _mail.get("EMAIL_HOST_USER"),
                "password": _mail.get("EMAIL_HOST_PASSWORD"),
                "use_tls": _mail.get("EMAIL_USE_TLS", False),
                "use_ssl": _mail.get("EMAIL_USE_SSL", False),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail"))},
        }
    }
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless told to
# reuse it: a new PostgreSQL connection per delivery batch. Reused here; the worker still
# drops a broken connection or one older than CONN_MAX_AGE between tasks, as Django does
# between requests (servicedesk/celery.py).
CELERY_DB_REUSE_MAX = 10_000
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# Notifications (docs/notifications.md). The outbox relay and the retry schedule.
SITE_URL: str = env.str("SITE_URL", default="http://localhost:8000")
NOTIFICATIONS_REPLY_TO: str = env.str("NOTIFICATIONS_REPLY_TO", default=DEFAULT_FROM_EMAIL)
NOTIFICATIONS_RETRY_SCHEDULE: list[int] = env.list(
    "NOTIFICATIONS_RETRY_SCHEDULE", cast=int, default=[5, 30, 120, 600, 1800, 3600, 10800, 21600]
)
NOTIFICATIONS_WEBHOOK_TIMEOUT: float = env.float("NOTIFICATIONS_WEBHOOK_TIMEOUT", default=10.0)
# A delivery holds its row this long; a worker killed mid-send frees it when it expires.
NOTIFICATIONS_LEASE_SECONDS: int = env.int("NOTIFICATIONS_LEASE_SECONDS", default=120)
NOTIFICATIONS_RELAY_INTERVAL: float = env.float("NOTIFICATIONS_RELAY_INTERVAL", default=10.0)
# A row handed to the broker this long ago and still undelivered is presumed lost.
NOTIFICATIONS_REDELIVER_AFTER: int = env.int("NOTIFICATIONS_REDELIVER_AFTER", default=180)
# Escalation steps fire on countdown tasks; the sweep catches any a lost task missed.
ESCALATION_SWEEP_INTERVAL: float = env.float("ESCALATION_SWEEP_INTERVAL", default=15.0)

# Security: strict by default, relaxed only where DEBUG says we are on a laptop.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "kernel.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "kernel.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "kernel.api.errors.exception_handler",
    # Per client; an integration that reports in bulk gets its own higher rate here.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="60/min"),
        "user": env.str("API_RATE_USER", default="600/min"),
    },
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "servicedesk API",
    "DESCRIPTION": "Incidents, problems and changes. Every state change is a POST action.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The contract is JSON: forms can carry neither null nor nested values, so a body
    # valid by the schema would be refused once form-encoded. Forms still parse.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Impact and urgency share one choice set; name it once for API clients.
    "ENUM_NAME_OVERRIDES": {
        "ImpactUrgencyEnum": "kernel.enums.Impact",
        "IncidentStatusEnum": "incidents.models.Status",
        "IncidentResolutionCodeEnum": "incidents.models.ResolutionCode",
        "ProblemStatusEnum": "problems.models.Status",
        "ProblemResolutionCodeEnum": "problems.models.ResolutionCode",
        "ChangeStatusEnum": "changes.models.Status",
        "ChangeTypeEnum": "changes.models.Type",
        "ChangeCloseCodeEnum": "changes.models.CloseCode",
        "StatusImpactEnum": "statuspage.enums.Impact",
    },
}

# Rate-limit counters (django-ratelimit on the portal and status page, DRF's throttles) live
# here: local memory is per process, so production with more than one web worker or node
# sets a shared one, CACHE_URL=redis://host:6379/1 (Django's built-in RedisCache).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every webhook request at INFO; the delivery log (Notification rows)
    # already records each one.
    "loggers": {"httpx": {"level": "WARNING"}},
}

# The self-service portal (docs/portal.md): attachment limits and submission rate limits.
PORTAL_ATTACHMENT_MAX_BYTES: int = env.int("PORTAL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
PORTAL_ATTACHMENTS_PER_INCIDENT: int = env.int("PORTAL_ATTACHMENTS_PER_INCIDENT", default=5)
# django-ratelimit rates ("count/period"); the counters live in the default cache, so
# production with more than one process needs a shared one (CACHE_URL=redis://...).
PORTAL_REPORT_RATE_USER: str = env.str("PORTAL_REPORT_RATE_USER", default="10/h")
PORTAL_REPORT_RATE_IP: str = env.str("PORTAL_REPORT_RATE_IP", default="30/h")
# Failed and successful sign-ins per IP: slows password guessing, never locks an account.
PORTAL_LOGIN_RATE_IP: str = env.str("PORTAL_LOGIN_RATE_IP", default="20/10m")

# The public status page (docs/statuspage.md).
STATUS_PAGE_NAME: str = env.str("STATUS_PAGE_NAME", default="servicedesk status")
STATUS_SUBSCRIBE_RATE_IP: str = env.str("STATUS_SUBSCRIBE_RATE_IP", default="10/h")

# How long a resolved incident waits for the caller before it closes by itself.
INCIDENT_AUTO_CLOSE_DAYS: int = env.int("INCIDENT_AUTO_CLOSE_DAYS", default=7)
