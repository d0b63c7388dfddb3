"""``/api/v1/tokens/``: a user issues, lists and revokes their own tokens; the plain token is
in the answer to the POST and in no other answer."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_issue, token_digest
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def bearer(plain: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def test_issue_shows_the_token_once_then_list_and_revoke(agent, incident):
    api = api_for(agent)
    response = api.post("/api/v1/tokens/", {"name": "Nagios"}, format="json")
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    issued = response.json()
    plain = issued["token"]
    assert issued["name"] == "Nagios" and issued["prefix"] == plain[:10]
    assert ApiToken.objects.get(pk=issued["id"]).digest == token_digest(plain)

    listed = api.get("/api/v1/tokens/")
    detail = api.get(f"/api/v1/tokens/{issued['id']}/")
    for later in (listed, detail):
        assert later.status_code == 200 and plain not in later.content.decode()
    assert [row["name"] for row in listed.json()["results"]] == ["Nagios"]
    assert "token" not in detail.json()

    client = bearer(plain)
    assert client.get("/api/v1/incidents/").json()["results"][0]["number"] == incident.number
    revoked = client.post(f"/api/v1/tokens/{issued['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/api/v1/incidents/").status_code == 401
    again = api.post(f"/api/v1/tokens/{issued['id']}/revoke/")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert api.delete(f"/api/v1/tokens/{issued['id']}/").status_code == 204


def test_delete_revokes_and_others_tokens_are_404(agent, other_agent):
    token, plain = api_token_issue(agent, name="Old laptop")
    assert api_for(other_agent).delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert api_for(other_agent).get("/api/v1/tokens/").json()["results"] == []
    assert api_for(agent).delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == agent
    assert bearer(plain).get("/api/v1/tokens/").status_code == 401


def test_expiry_rules(agent, settings):
    api = api_for(agent)
    now = timezone.now()
    for expires, why in (
        ((now - timedelta(minutes=1)).isoformat(), "Choose a time in the future."),
        ((now + timedelta(days=400)).isoformat(), "Tokens last at most 365 days."),
        (None, "Tokens must expire: choose a date."),
    ):
        response = api.post("/api/v1/tokens/", {"name": "x", "expires": expires}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"expires": [why]}
    settings.API_TOKEN_ALLOW_NEVER = True
    response = api.post("/api/v1/tokens/", {"name": "forever", "expires": None}, format="json")
    assert response.status_code == 201 and response.json()["expires"] is None


def test_a_token_cannot_mint_a_longer_lived_one(agent):
    short, plain = api_token_issue(agent, name="Short", expires=timezone.now() + timedelta(days=1))
    response = bearer(plain).post("/api/v1/tokens/", {"name": "Longer"}, format="json")
    assert response.status_code == 201
    assert ApiToken.objects.get(pk=response.json()["id"]).expires == short.expires
