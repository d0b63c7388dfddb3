"""One settings module, driven by the environment (12-factor).

With nothing set the project runs on an embedded default: SQLite under ``var/`` and
Celery tasks run eagerly in-process. Set ``DATABASE_URL`` and ``CELERY_BROKER_URL`` to
run on PostgreSQL and a real broker. ``DEBUG`` defaults to off; ``make run`` turns it on.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _networks(name: str) -> list[str]:
    """A comma-separated list of addresses or CIDRs (``10.0.0.0/8,::1``)."""
    values: list[str] = env.list(name, default=[])
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {value!r} is not an address or network") from exc
    return values


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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
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
    "alerts",
    "response",
    "postmortems",
    "sla",
    "metrics",
    "demo",
    "imports",
    "mailin",
]

MIDDLEWARE = [
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # /health/ and /metrics, before the host check and the HTTPS redirect that a load
    # balancer's or Prometheus's probe would fail (docs/operations.md#health-checks).
    "servicedesk.probes.ProbeMiddleware",
    # Times every other request, whatever answers it (docs/operations.md#metrics).
    "servicedesk.metrics.RequestMetricsMiddleware",
    # Refuses NUL in paths and queries, answers 503 for a database outage.
    "servicedesk.edge.EdgeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (collectstatic), before sessions and auth do any work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    # Staff who owe a second factor reach only its pages until they give it.
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a sign-in refused for a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
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
    # A server that does not answer (host down, packets dropped) fails a connection after
    # this many seconds instead of the kernel's minutes. A stopped server refuses at once.
    DATABASES["default"]["OPTIONS"] = {"connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=10)}
    # Server-side binding lets psycopg prepare a statement run this often on one connection:
    # PostgreSQL then plans it once per connection, not per request. Planning the
    # ticket queries (ten joins) costs more than running them. 0 turns it off (PgBouncer in
    # transaction mode before 1.21, see docs/operations.md).
    _prepare = env.int("DB_PREPARE_THRESHOLD", default=2)
    if _prepare:
        DATABASES["default"]["OPTIONS"] |= {
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
# Axes first: it refuses a locked-out (username, address) before any password is checked.
# The standalone backend only watches sign-ins; permissions stay with ours (one query).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PermissionBackend",
]

# Sign-in lockout (django-axes, docs/operations.md#sign-in-lockout): after
# LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that username is
# refused from that address for LOGIN_LOCKOUT_MINUTES; other users and other addresses are
# not affected. Attempts are rows in the database, shared by every process.
AXES_FAILURE_LIMIT: int = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# REMOTE_ADDR as the server sees it (deploy/proxied.py sets it from nginx's X-Real-IP);
# never a header the client could write.
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
# A refused attempt while locked does not push the end further away: the page can say when.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No row per successful sign-in (it would grow without bound); failures are AccessAttempts.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Second factor (django-otp, TOTP): who must have one. "managers" (managers and
# superusers), "staff" (every agent too) or "none"; anyone staff may enrol anyway.
MFA_REQUIRED_FOR: str = env.str("MFA_REQUIRED_FOR", default="managers")
if MFA_REQUIRED_FOR not in ("managers", "staff", "none"):
    raise ImproperlyConfigured("MFA_REQUIRED_FOR must be managers, staff or none.")
OTP_TOTP_ISSUER: str = env.str("MFA_ISSUER", default="servicedesk")
# The device admin shows no secret and no QR code of anyone's authenticator.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

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
# Files browsers ask for at the root whatever the page says: /favicon.ico (a JSON answer,
# the API's docs, a feed opened in a tab). WhiteNoise serves them before any other work.
WHITENOISE_ROOT = BASE_DIR / "servicedesk" / "root"
ROOT_FILES_MAX_AGE = 7 * 24 * 3600


def _root_file_headers(headers: Any, path: str, url: str) -> None:
    """A week for the root files (the icon changes with a release, rarely), where
    WhiteNoise keeps a minute for files whose names carry no hash."""
    if not url.startswith("/" + STATIC_URL):
        headers["Cache-Control"] = f"public, max-age={ROOT_FILES_MAX_AGE}"


WHITENOISE_ADD_HEADERS_FUNCTION = _root_file_headers
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# End users sign in on the portal; staff who sign in there are sent on to the admin.
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Mail: EMAIL_URL (smtp+tls://user:pass@host:587). In development mail is written to files
# under var/mail, so the embedded default needs no mail server; in production the default
# is the local MTA.
_MAIL_FILES = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")


def mailer_from_url(url: str, *, file_path: Path | str = _MAIL_FILES) -> dict[str, Any]:
    """The ``MAILERS`` entry of an ``EMAIL_URL`` (django-environ's schemes): its backend
    with only the options that backend takes. Each backend refuses options it does not know,
    so SMTP's host and password given to the console or dummy backend fail every mail."""
    config = environ.Env.email_url_config(url)
    backend: str = config["EMAIL_BACKEND"]
    options: dict[str, Any] = {}
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        options = {
            "host": config.get("EMAIL_HOST") or "localhost",
            "port": config.get("EMAIL_PORT") or 25,
            "username": config.get("EMAIL_HOST_USER") or "",
            "password": config.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": config.get("EMAIL_USE_TLS", False),
            "use_ssl": config.get("EMAIL_USE_SSL", False),
            "timeout": 30,
        }
    elif backend == "django.core.mail.backends.filebased.EmailBackend":
        # filemail:///var/mail/desk: the URL's path (django-environ drops its leading
        # slash), else EMAIL_FILE_PATH.
        path = urlsplit(url).path
        options = {"file_path": path if path else str(file_path)}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {
    "default": mailer_from_url(
        env.str("EMAIL_URL", default="smtp://localhost:25" if not DEBUG else "filemail://")
    )
}
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # An eager apply_async still takes a producer from Celery's pool; with no URL that is
    # AMQP with no host, and kombu warns "No hostname was supplied" on `make run`'s first
    # mail. The in-memory transport names its host and never leaves the process.
    CELERY_BROKER_URL = "memory://localhost/"
# kombu's Redis transport with the fix that keeps a worker alive across a Redis restart
# (servicedesk/broker.py).
CELERY_BROKER_TRANSPORT = (
    "servicedesk.broker:Transport" if CELERY_BROKER_URL.startswith("redis://") else None
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless told to
# reuse it: a new PostgreSQL connection per delivery batch. Reused here; the worker still
# drops a broken connection or one older than CONN_MAX_AGE between tasks, as Django does
# between requests (servicedesk/celery.py).
CELERY_DB_REUSE_MAX = 10_000
# A worker outlives a broker outage (docs/operations.md#workers): it reconnects for as long
# as it takes (Celery's default gives up after 100 tries, about 50 minutes, and exits),
# and lets a delivery that is running finish instead of cancelling it (every task is
# idempotent; the message it cannot acknowledge any more is discarded or redelivered
# harmlessly).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A publisher gives up at once (docs/operations.md#workers): a publish
# that finds no connection tries to connect once ("max_retries": 0) instead of kombu's
# implicit reconnect (about 6 s of retries, inside the request), and a connection attempt
# to an unreachable host ends after CELERY_BROKER_CONNECT_TIMEOUT seconds; the outbox
# leaves the rows to the relay. The worker and beat pass their own retry policy when they
# connect (above), so they still reconnect for as long as it takes, one such attempt at
# a time.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=0.5),
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
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
# Webhooks call public addresses only (no loopback, private, link-local or metadata
# address) unless these networks name them, e.g. 10.20.0.0/16 for an internal chat server.
WEBHOOK_ALLOWED_NETWORKS: list[str] = _networks("WEBHOOK_ALLOWED_NETWORKS")
# A delivery holds its row this long; a worker killed mid-send frees it when it expires.
NOTIFICATIONS_LEASE_SECONDS: int = env.int("NOTIFICATIONS_LEASE_SECONDS", default=120)
# The relay hands over every row that is due, retries included: a retry goes out within
# this long of its time. Each run costs one query on the partial index of pending rows.
NOTIFICATIONS_RELAY_INTERVAL: float = env.float("NOTIFICATIONS_RELAY_INTERVAL", default=2.0)
# A row handed to the broker this long ago and still undelivered is presumed lost.
NOTIFICATIONS_REDELIVER_AFTER: int = env.int("NOTIFICATIONS_REDELIVER_AFTER", default=180)

# Email in: the two routes (docs/mail.md#receiving). The IMAP mailbox the desk polls:
# imaps://user:password@host:993/INBOX (TLS), imap+starttls://...:143/INBOX, or imap://
# (no encryption: refused unless the host is a loopback address). Empty: no polling.
MAIL_IMAP_URL: str = env.str("MAIL_IMAP_URL", default="")
# Where a message goes once its row has committed, and where one the desk could not store
# (too big, unreadable) waits for a person. Both are created if missing.
MAIL_IMAP_PROCESSED_FOLDER: str = env.str("MAIL_IMAP_PROCESSED_FOLDER", default="Processed")
MAIL_IMAP_FAILED_FOLDER: str = env.str("MAIL_IMAP_FAILED_FOLDER", default="Failed")
# A private CA for the mailbox's certificate (a PEM file); empty: the system's CAs.
MAIL_IMAP_CA_FILE: str = env.str("MAIL_IMAP_CA_FILE", default="")
# Seconds between polls (Celery beat or `manage.py run_periodic`), messages fetched per
# IMAP command, messages taken per poll (the rest wait for the next), network timeout.
MAIL_IMAP_POLL_INTERVAL: float = env.float("MAIL_IMAP_POLL_INTERVAL", default=60.0)
MAIL_IMAP_BATCH: int = env.int("MAIL_IMAP_BATCH", default=25)
MAIL_IMAP_MAX_PER_POLL: int = env.int("MAIL_IMAP_MAX_PER_POLL", default=500)
MAIL_IMAP_TIMEOUT: float = env.float("MAIL_IMAP_TIMEOUT", default=60.0)
# The LMTP gateway (`manage.py mail_gateway`): loopback by default, as the mail server
# delivering to it runs on the same host; "smtp" speaks SMTP instead of LMTP.
MAIL_GATEWAY_HOST: str = env.str("MAIL_GATEWAY_HOST", default="127.0.0.1")
MAIL_GATEWAY_PORT: int = env.int("MAIL_GATEWAY_PORT", default=2424)
MAIL_GATEWAY_PROTOCOL: str = env.str("MAIL_GATEWAY_PROTOCOL", default="lmtp")
if MAIL_GATEWAY_PROTOCOL not in ("lmtp", "smtp"):
    raise ImproperlyConfigured("MAIL_GATEWAY_PROTOCOL must be lmtp or smtp.")
# The largest mail either route takes, in bytes: a 25 MB attachment is about 34 MB once
# base64-encoded. Larger: refused by the gateway (552), left in the mailbox's failed folder.
MAIL_MAX_BYTES: int = env.int("MAIL_MAX_BYTES", default=40 * 1024 * 1024)
# What a mail becomes (docs/mail.md#routing). A mail from an address no account has,
# opening an incident: "create" makes an end-user account without a password for it,
# "refuse" answers with a polite auto-reply (never to an automatic mail) and stores the
# mail as rejected.
MAIL_UNKNOWN_SENDERS: str = env.str("MAIL_UNKNOWN_SENDERS", default="create")
if MAIL_UNKNOWN_SENDERS not in ("create", "refuse"):
    raise ImproperlyConfigured("MAIL_UNKNOWN_SENDERS must be create or refuse.")
# New incidents one sender may open by mail per hour; beyond it their mails are stored as
# rejected, with no incident and no answer (a runaway script, a mail loop).
MAIL_RATE_LIMIT_PER_HOUR: int = env.int("MAIL_RATE_LIMIT_PER_HOUR", default=20)
# The sweep fires every escalation step that is due (Escalation.next_at): a page goes out
# within this long of its time. One query on the partial index of active escalations.
ESCALATION_SWEEP_INTERVAL: float = env.float("ESCALATION_SWEEP_INTERVAL", default=5.0)
# The shortest wait an escalation level may have before the next is paged (a shorter one
# pages the whole ladder at once). Tests lower it.
ESCALATION_MIN_DELAY_SECONDS: int = env.int("ESCALATION_MIN_DELAY_SECONDS", default=60)

# Security: strict by default, relaxed only where DEBUG says we are on a laptop.
# X-Forwarded-Proto says whether the client used https only where a proxy we run sets it,
# overwriting whatever the client sent (deploy/serve.py's nginx does, and sets this for
# its gunicorn). Believed anywhere else, any client could claim https.
TRUSTED_PROXY_SSL_HEADER: bool = env.bool("TRUSTED_PROXY_SSL_HEADER", default=False)
if TRUSTED_PROXY_SSL_HEADER:
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

# Content-Security-Policy on every response (Django's ContentSecurityPolicyMiddleware): only
# our own scripts and styles, and inline <style>/<script> only with the request's nonce
# ({% csp_nonce_attr %}); no style="" attributes, no plugins, no framing, no <base>, forms
# post only to us. CSP_REPORT_ONLY=1 sends the same policy as report-only instead, to try a
# change on a live site first; CSP_REPORT_URI collects the browsers' violation reports.
_CSP_POLICY: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [
        CSP.SELF,
        CSP.NONCE,
        # The one style="" attribute of a library template: django-simple-history's history
        # page (simple_history/object_history_list.html), '<p class="paginator"
        # style="border-top: 0">'. Only that exact value is allowed.
        CSP.UNSAFE_HASHES,
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
    ],
    # Swagger UI and the admin draw small icons from data: URLs.
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if _csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    _CSP_POLICY["report-uri"] = [_csp_report_uri]
CSP_REPORT_ONLY: bool = env.bool("CSP_REPORT_ONLY", default=False)
SECURE_CSP = {} if CSP_REPORT_ONLY else _CSP_POLICY
SECURE_CSP_REPORT_ONLY = _CSP_POLICY if CSP_REPORT_ONLY else {}

# The edge (servicedesk/edge.py, docs/api.md#errors). A request body (files aside) over
# this many bytes is a 413; a JSON body nested deeper than API_JSON_MAX_DEPTH a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE: int = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
API_JSON_MAX_DEPTH: int = env.int("API_JSON_MAX_DEPTH", default=32)
# Seconds a client is told to wait (Retry-After) when the database cannot be reached.
UNAVAILABLE_RETRY_AFTER: int = env.int("UNAVAILABLE_RETRY_AFTER", default=5)
CSRF_FAILURE_VIEW = "servicedesk.edge.csrf_failure"

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
    "DEFAULT_PARSER_CLASSES": [
        # Size and depth limits (below); no NUL reaches a field (kernel/api/parsers.py).
        "kernel.api.parsers.JSONParser",
        "kernel.api.parsers.FormParser",
        "kernel.api.parsers.MultiPartParser",
    ],
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
# API tokens (docs/operations.md#api-tokens): how long a new one lasts unless its owner
# chooses, the longest they may choose, and whether "never" is allowed at all.
API_TOKEN_DAYS: int = env.int("API_TOKEN_DAYS", default=90)
API_TOKEN_MAX_DAYS: int = env.int("API_TOKEN_MAX_DAYS", default=365)
API_TOKEN_ALLOW_NEVER: bool = env.bool("API_TOKEN_ALLOW_NEVER", default=False)
# Wrong tokens per client address: after this many within the window (seconds), the address
# is refused (429) for the window. Counted in the default cache (CACHE_URL).
API_TOKEN_FAILURE_LIMIT: int = env.int("API_TOKEN_FAILURE_LIMIT", default=20)
API_TOKEN_FAILURE_WINDOW: int = env.int("API_TOKEN_FAILURE_WINDOW", default=600)
if API_TOKEN_DAYS < 1 or API_TOKEN_MAX_DAYS < API_TOKEN_DAYS:
    raise ImproperlyConfigured("API_TOKEN_DAYS must be at least 1 and at most API_TOKEN_MAX_DAYS.")
SPECTACULAR_SETTINGS = {
    "TITLE": "servicedesk API",
    "DESCRIPTION": "Incidents, problems and changes. Every state change is a POST action.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), not a CDN: the CSP
    # allows scripts from us only, and the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No ReDoc page: its bundle injects <style> without a nonce and loads its logo from a
    # CDN, which the CSP refuses; Swagger UI is the one API reader.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kernel.api.idempotency.document_idempotency_key",  # the header on every POST
    ],
    # The contract is JSON: forms can carry neither null nor nested values, so a body
    # valid by the schema would be refused once form-encoded. Forms still parse.
    "PARSER_WHITELIST": ["kernel.api.parsers.JSONParser"],
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
        # The names these had before alerts brought their own kind and severity.
        "KindEnum": "kernel.enums.TimelineKind",
        "SeverityEnum": "incidents.models.Severity",
        "AlertStatusEnum": "alerts.models.AlertStatus",
        "AlertSeverityEnum": "alerts.models.AlertSeverity",
        "AlertKindEnum": "alerts.models.Kind",
        "PostmortemStatusEnum": "postmortems.models.Status",
        "ActionItemKindEnum": "postmortems.models.Kind",
        "ActionItemStateEnum": "postmortems.models.ItemState",
        # An escalation policy's ``page_priorities`` lists the same priorities.
        "PriorityEnum": "kernel.enums.Priority",
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
    # axes logs every sign-in at INFO; its warnings (failures, lockouts) stay.
    "loggers": {"httpx": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# The self-service portal (docs/portal.md): attachment limits and submission rate limits.
PORTAL_ATTACHMENT_MAX_BYTES: int = env.int("PORTAL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
PORTAL_ATTACHMENTS_PER_INCIDENT: int = env.int("PORTAL_ATTACHMENTS_PER_INCIDENT", default=5)
# django-ratelimit rates ("count/period"); the counters live in the default cache, so
# production with more than one process needs a shared one (CACHE_URL=redis://...).
PORTAL_REPORT_RATE_USER: str = env.str("PORTAL_REPORT_RATE_USER", default="10/h")
PORTAL_REPORT_RATE_IP: str = env.str("PORTAL_REPORT_RATE_IP", default="30/h")

# The public status page (docs/statuspage.md).
STATUS_PAGE_NAME: str = env.str("STATUS_PAGE_NAME", default="servicedesk status")
STATUS_SUBSCRIBE_RATE_IP: str = env.str("STATUS_SUBSCRIBE_RATE_IP", default="10/h")

# Operations endpoints (docs/operations.md#health-checks, #metrics). /health/ warns when the
# oldest due notification has waited longer than this many seconds.
HEALTH_OUTBOX_MAX_AGE: int = env.int("HEALTH_OUTBOX_MAX_AGE", default=300)
# /metrics answers a request bearing this token ("Authorization: Bearer ...") or coming
# from one of these networks (REMOTE_ADDR, CIDRs). Neither set: /metrics is a 404.
METRICS_TOKEN: str = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS: list[str] = _networks("METRICS_ALLOWED_NETWORKS")

# Alerts from monitoring (docs/alerts.md). A body up to this size is taken on the alert
# endpoint only (one Alertmanager group of thousands of alerts); everything else keeps
# DATA_UPLOAD_MAX_MEMORY_SIZE. Posts per integration per minute beyond the rate limit are
# answered 429 (Events v2) or 503 (Alertmanager and Grafana retry only 5xx), with Retry-After.
ALERT_MAX_BODY_BYTES: int = env.int("ALERT_MAX_BODY_BYTES", default=10 * 1024 * 1024)
ALERT_RATE_LIMIT_PER_MINUTE: int = env.int("ALERT_RATE_LIMIT_PER_MINUTE", default=60_000)
# How long a body's digest is kept: the same body again within it is a replay.
ALERT_REPLAY_HOURS: int = env.int("ALERT_REPLAY_HOURS", default=24)
# One timeline entry per alert at most this often, however often it fires.
ALERT_TIMELINE_SECONDS: int = env.int("ALERT_TIMELINE_SECONDS", default=60)
# The raw alert kept on each alert row is cut to this many bytes of JSON.
ALERT_RAW_MAX_BYTES: int = env.int("ALERT_RAW_MAX_BYTES", default=16 * 1024)

# How long a resolved incident waits for the caller before it closes by itself.
INCIDENT_AUTO_CLOSE_DAYS: int = env.int("INCIDENT_AUTO_CLOSE_DAYS", default=7)

# Major incidents (docs/major-incidents.md). How often stakeholders hear from the
# communications lead, in minutes, by severity ("1:30,2:60,3:120,4:240"; "0" is for an
# incident without a severity): the default next-update-due of each update.
MAJOR_UPDATE_CADENCE_MINUTES: dict[int, int] = {
    int(severity): int(minutes)
    for severity, minutes in (
        pair.split(":", 1)
        for pair in env.list(
            "MAJOR_UPDATE_CADENCE_MINUTES", default=["0:60", "1:30", "2:60", "3:120", "4:240"]
        )
    )
}
# A declared major incident of these priorities or severities closes only once its
# postmortem is published (docs/postmortems.md).
POSTMORTEM_REQUIRED_PRIORITIES: list[int] = env.list(
    "POSTMORTEM_REQUIRED_PRIORITIES", cast=int, default=[1]
)
POSTMORTEM_REQUIRED_SEVERITIES: list[int] = env.list(
    "POSTMORTEM_REQUIRED_SEVERITIES", cast=int, default=[1, 2]
)
# Seconds between the beat's sweeps for overdue stakeholder updates and overdue action
# items. Each sweep reminds once per overdue period (a cadence length; a week for action
# items), however often it runs: these say only how late a reminder may go out. Tests
# shorten them.
MAJOR_UPDATE_REMINDER_INTERVAL: float = env.float("MAJOR_UPDATE_REMINDER_INTERVAL", default=60.0)
ACTION_ITEM_REMINDER_INTERVAL: float = env.float("ACTION_ITEM_REMINDER_INTERVAL", default=3600.0)
# SLA clocks (docs/sla.md). Seconds between beat's sweeps for warnings and breaches that are
# due: each is stamped and told once, at most this long after its due time. One query on the
# partial indexes of running clocks when nothing is due.
SLA_ALARM_INTERVAL: float = env.float("SLA_ALARM_INTERVAL", default=30.0)
# "Breaching soon" (the incident list's SLA filter, the amber "Time left"): due within this.
SLA_SOON_MINUTES: int = env.int("SLA_SOON_MINUTES", default=60)

# The agents' home (kernel.admin.home): the figures that are the same for every agent (the
# charts, the SLA queues) are read at most once per this many seconds per process, from
# the cache; 0 reads them on every request. At a million incidents they cost 0.5-1.5 s.
HOME_REFRESH_SECONDS: int = env.int("HOME_REFRESH_SECONDS", default=60)

# API POSTs sent with an Idempotency-Key (docs/api.md): how long the first answer is kept and
# replayed to retries with that key; kernel.tasks.purge_idempotency_keys deletes older ones.
IDEMPOTENCY_KEY_TTL_HOURS: int = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
