"""API tokens at rest and in use: only a digest is stored, expired and revoked tokens sign
nobody in, and the last use is recorded without a write per request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_issue, api_token_revoke, token_digest

pytestmark = pytest.mark.django_db


def bearer(plain: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def test_the_database_never_holds_the_plain_token(agent):
    token, plain = api_token_issue(agent, name="Monitoring")
    assert plain.startswith("sd_") and len(plain) >= 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert plain not in stored and not any(plain in value for value in stored)
    token.refresh_from_db()
    assert token.digest == token_digest(plain) and token.prefix == plain[:10]
    assert token.expires is not None
    assert timedelta(days=89) < token.expires - timezone.now() <= timedelta(days=90)


def test_expired_and_revoked_tokens_are_401(agent, manager):
    expired, expired_plain = api_token_issue(agent, name="Old")
    ApiToken.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(seconds=1))
    revoked, revoked_plain = api_token_issue(agent, name="Leaked")
    assert bearer(revoked_plain).get("/api/v1/incidents/").status_code == 200
    api_token_revoke(revoked, by=manager)

    for plain, why in ((expired_plain, "Token expired."), (revoked_plain, "Token revoked.")):
        response = bearer(plain).get("/api/v1/incidents/")
        assert response.status_code == 401
        assert response.json() == {"code": "not_authenticated", "message": why}
    revoked.refresh_from_db()
    assert revoked.revoked_by == manager and revoked.revoked_at is not None


def test_last_used_is_written_at_most_once_a_minute(agent):
    token, plain = api_token_issue(agent, name="CI")
    client = bearer(plain)
    assert token.last_used is None

    client.get("/api/v1/incidents/")
    token.refresh_from_db()
    first = token.last_used
    assert first is not None and timezone.now() - first < timedelta(seconds=5)

    with CaptureQueriesContext(connection) as seconds_later:
        client.get("/api/v1/incidents/")
    assert not [q for q in seconds_later.captured_queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used == first

    a_while_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used=a_while_ago)
    client.get("/api/v1/incidents/")
    token.refresh_from_db()
    assert token.last_used is not None and token.last_used > a_while_ago + timedelta(minutes=1)
