"""The API through a real WSGI server and HTTP, as integrations call it: what the test
client skips (header types, content negotiation on the wire) is checked here."""

import json
import urllib.error
import urllib.request

import pytest

from incidents.models import Incident
from tests.conftest import token_for


def call(url: str, token: str, body: dict | None = None) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.mark.django_db(transaction=True)
def test_create_and_move_over_http(live_server, agent, service, team):
    token = token_for(agent)
    base = f"{live_server.url}/api/v1/incidents/"

    status, headers, created = call(
        base, token, {"title": "VPN drops", "service": service.pk, "impact": 1, "urgency": 1}
    )
    assert status == 201
    assert headers["Location"].endswith(f"/api/v1/incidents/{created['number']}/")
    assert created["priority"] == 1

    status, _, body = call(f"{base}{created['number']}/close/", token, {})
    assert status == 409 and body["code"] == "move_not_allowed"
    status, _, body = call(f"{base}{created['number']}/acknowledge/", token, {})
    assert status == 200 and body["status"] == 2
    assert Incident.objects.get(number=created["number"]).acknowledged_at is not None

    status, _, body = call(base, "not-a-token")
    assert status == 401 and body["code"] == "not_authenticated"
