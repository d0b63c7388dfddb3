"""The search costs the same number of queries at 5 matching incidents as at 500, in
the admin and in the API, for an agent and for a caller."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin.conftest import client_for
from tests.conftest import api_for
from tests.search.conftest import WORD

pytestmark = pytest.mark.django_db

BOUND = 20


def queries(client, path: str) -> int:
    client.get(path, {"q": WORD})  # warm the session and permission caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"q": WORD})
    assert response.status_code == 200
    return len(context.captured_queries)


def measure(agent, caller) -> tuple[int, int, int]:
    return (
        queries(client_for(agent), reverse("admin-search")),
        queries(api_for(agent), "/api/v1/search/"),
        queries(api_for(caller), "/api/v1/search/"),
    )


def test_constant_at_5_and_500_rows(bulk_desk, agent, caller):
    bulk_desk(5)
    small = measure(agent, caller)
    bulk_desk(495)
    big = measure(agent, caller)
    assert small == big
    assert max(big) <= BOUND


def test_the_results_are_capped_per_group(bulk_desk, agent_api):
    bulk_desk(60)
    body = agent_api.get("/api/v1/search/", {"q": WORD}).json()
    incidents = body["groups"][0]["results"]
    assert len(incidents) == 10
    # Title matches first, then the ones found by their notes alone.
    assert all(WORD in hit["title"].lower() for hit in incidents)
