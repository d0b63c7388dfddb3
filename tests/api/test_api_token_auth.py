"""Integrations authenticate with a token (``Bearer``, or ``Token`` as clients from before
named tokens send it); a wrong token is a 401, not a 403."""

import pytest
from rest_framework.test import APIClient

from incidents.models import Status
from tests.api.conftest import url
from tests.conftest import token_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
def test_token_auth_lists_and_moves(agent, incident, scheme):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {token_for(agent)}")

    response = client.get("/api/v1/incidents/")
    assert response.status_code == 200
    assert [row["number"] for row in response.json()["results"]] == [incident.number]
    response = client.post(url(incident, "acknowledge"), format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.IN_PROGRESS
    assert incident.history.order_by("-history_id")[0].history_user == agent


def test_wrong_token_is_401(incident):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/incidents/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_session_auth_works(agent, incident):
    client = APIClient()
    client.force_login(agent)
    assert client.get(url(incident)).status_code == 200


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


def test_token_request_reads_rights_with_the_token(
    agent, caller, incident, django_assert_num_queries
):
    """The token, the user and their rights (through groups here) come in one query, so a
    list costs two: who is asking, and the rows."""
    agents, callers = token_client(agent), token_client(caller)
    agents.get("/api/v1/incidents/")
    with django_assert_num_queries(2):
        response = agents.get("/api/v1/incidents/")
    assert [row["number"] for row in response.json()["results"]] == [incident.number]
    # A right taken away counts from the next request on.
    agent.groups.clear()
    assert agents.get("/api/v1/incidents/").json()["results"] == []
    # ...and someone without rights sees their own incidents, through the same token path.
    assert [row["number"] for row in callers.get("/api/v1/incidents/").json()["results"]] == [
        incident.number
    ]
