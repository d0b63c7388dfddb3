"""The ceiling: the least a Django project on this stack does for the same kinds of
request (a bare view that reads one row, one that lists 50 filtered rows, one that inserts
a row, one that inserts an alert webhook's alert as one row, and the stock admin on a table
as large as the desk's). No auth on the views, no
framework, no middleware but what the admin needs. What servicedesk is measured against.

Runs under the same production server and PostgreSQL as servicedesk, on its own database
(``CEILING_DATABASE_URL``, default ``servicedesk_bench_ceiling``); the metrics views read
the desk's tables and run with ``CEILING_DATABASE_URL`` set to the desk's database."""

import os
from pathlib import Path

import environ

DEBUG = False
SECRET_KEY = os.environ.get("CEILING_SECRET_KEY", "ceiling-benchmark-only-not-a-secret")
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ceiling",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "ceiling.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": environ.Env.db_url_config(
        os.environ.get(
            "CEILING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench_ceiling"
        )
    )
}
# The same connection policy as servicedesk's production settings.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"
STATIC_ROOT = Path(__file__).resolve().parents[2] / "var" / "ceiling-static"
