"""Times the API's list and retrieve in-process (Django's test client, DEBUG off), so two
versions of the code can be compared on one database, without a server or the network.

    .venv/bin/python bench/inprocess_api.py CHECKOUT DATABASE

CHECKOUT is the project's folder to import (another version: a `git worktree`, run with
PYTHONPATH=CHECKOUT); DATABASE a PostgreSQL database that `bench/web.py` seeded and that
version's migrations brought up to date. To compare two versions on the same rows, copy
it first: `CREATE DATABASE b TEMPLATE a`, then `manage.py migrate` the copy.
Prints the mean milliseconds per request, three rounds of 400.
"""

import os
import sys
import time

root, database = sys.argv[1], sys.argv[2]
os.environ.update(
    DEBUG="0",
    SECRET_KEY="bench-only-" + "x" * 50,
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="0",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
    CONN_MAX_AGE="600",
    API_RATE_USER="1000000/min",
    DJANGO_SETTINGS_MODULE="servicedesk.settings",
)
sys.path.insert(0, root)
os.chdir(root)

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from incidents.models import Incident  # noqa: E402

agent = User.objects.get(username="sam")
try:
    from accounts.tokens import api_token_issue

    credentials = "Bearer " + api_token_issue(agent, name="bench/inprocess_api.py")[1]
except ImportError:  # before API tokens were hashed (issue 11): DRF's keys
    from rest_framework.authtoken.models import Token

    credentials = "Token " + Token.objects.get_or_create(user=agent)[0].key
client = Client(HTTP_AUTHORIZATION=credentials)
number = Incident.objects.order_by("-id").values_list("number", flat=True)[500]


def mean_ms(url: str, requests: int = 400) -> float:
    for _ in range(30):
        client.get(url)
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    return round((time.perf_counter() - started) / requests * 1000, 3)


for _ in range(3):
    print(
        root,
        "list",
        mean_ms("/api/v1/incidents/?status=2&page_size=50"),
        "retrieve",
        mean_ms(f"/api/v1/incidents/{number}/"),
    )
