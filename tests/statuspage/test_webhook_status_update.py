"""Webhook endpoints that take the ``status_update`` kind get each public update, with the
public words only; endpoints that do not take it get nothing."""

import pytest

from notifications.enums import Channel, EventKind
from notifications.models import Endpoint, Notification

pytestmark = pytest.mark.django_db


def test_update_reaches_webhooks_with_public_words_only(make_incident, post_update, other_agent):
    wants = Endpoint.objects.create(
        name="statuspage mirror", url="http://127.0.0.1:9/hook", kinds=["status_update"]
    )
    Endpoint.objects.create(name="only created", url="http://127.0.0.1:9/x", kinds=["created"])
    incident = make_incident(
        title="INTERNAL mx01 disk full", description="secret", assigned_to=other_agent
    )
    post_update(incident, title="Email delays", body="Mail is slow.")
    (row,) = Notification.objects.filter(kind=EventKind.STATUS_UPDATE, channel=Channel.WEBHOOK)
    assert row.endpoint == wants
    assert row.payload["type"] == "incident.status_update"
    data = row.payload["data"]
    assert data["public_title"] == "Email delays" and data["body"] == "Mail is slow."
    assert data["status_url"].endswith(f"/status/incidents/{incident.number}/")
    text = str(row.payload) + row.subject
    for internal in ("INTERNAL", "secret", other_agent.username, "priority"):
        assert internal not in text
    # No user gets a mail for it: subscribers are addresses, mailed by the status page.
    assert not Notification.objects.filter(kind=EventKind.STATUS_UPDATE, recipient__isnull=False)
