"""Must-show 6: a paged incident's signed acknowledge link reaches the person paged and
nobody else. The caller reads every API route and portal page open to them for that
incident and finds no link, token or signature; the paged agent's mail still carries a
link that works."""

import re
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client

from incidents.attachments import incident_attach
from incidents.workflow import incident_add_note
from notifications.channels import send_email
from notifications.enums import Channel, EventKind
from notifications.models import Endpoint, Notification
from oncall.escalation import escalations_due
from oncall.models import Escalation
from tests.api.conftest import url
from tests.conftest import api_for
from tests.portal.samples import upload

pytestmark = pytest.mark.django_db

ACK_PATH = "/oncall/acknowledge/"
# django.core.signing: base64 payload, base62 timestamp, base64 HMAC (SHA-256).
SIGNED = re.compile(r"[\w-]+:[0-9A-Za-z]+:[\w-]{27,}")


@pytest.fixture
def paged(policy, make_incident, caller, settings, tmp_path):
    """A P1 the caller reported, paged at levels 1 and 2, with a comment and a file, and a
    webhook endpoint that hears every event."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Endpoint.objects.create(name="Chat", url="https://chat.example.com/hook")
    incident = make_incident(impact=1, urgency=1, by=caller)
    incident_add_note(incident, by=caller, body="Still down for the whole floor.", internal=False)
    incident_attach(incident, by=caller, files=[upload("screen.txt", b"error 42")])
    escalations_due(now=Escalation.objects.get(incident=incident).next_at)
    return incident


def page_mail(username: str) -> str:
    row = Notification.objects.select_related("recipient").get(
        kind=EventKind.PAGE, channel=Channel.EMAIL, recipient__username=username
    )
    backend = EmailBackend()
    send_email(row, backend)
    from django.core import mail

    message = mail.outbox[-1]
    return message.body + str(message.alternatives[0].content)


def test_the_caller_sees_no_signed_link_anywhere(paged, caller, agent, other_agent):
    assert paged.timeline.filter(verb="paged").count() == 2
    token = re.search(rf"{ACK_PATH}([^/\s\"]+)/", page_mail(agent.username))
    assert token is not None
    api, portal = api_for(caller), Client()
    portal.force_login(caller)
    bodies: dict[str, str] = {}
    for route in ("", "timeline", "comments", "history", "work-notes", "status-updates"):
        bodies[f"api {route}"] = api.get(url(paged, route)).content.decode()
    bodies["api list"] = api.get("/api/v1/incidents/").content.decode()
    for page in ("/", "/incidents/", "/incidents/?show=all", f"/incidents/{paged.number}/"):
        response = portal.get(page)
        assert response.status_code == 200, page
        bodies[f"portal {page}"] = response.content.decode()

    assert "Still down for the whole floor." in bodies["api comments"]
    assert "screen.txt" in bodies[f"portal /incidents/{paged.number}/"]
    for where, body in bodies.items():
        assert ACK_PATH not in body, where
        assert token.group(1) not in body, where
        assert not SIGNED.search(body), where
    # Nothing stored holds it either: not the timeline, not a row another person reads.
    assert not paged.timeline.filter(data__has_key="ack_url").exists()
    for row in Notification.objects.all():
        assert ACK_PATH not in str(row.payload) + row.body + row.url, row


def test_the_callers_timeline_is_an_allow_list(paged, caller, agent):
    caller_rows = api_for(caller).get(url(paged, "timeline")).json()["results"]
    assert [(row["kind"], row["verb"]) for row in caller_rows] == [
        ("event", "created"),
        ("comment", "note"),
        ("event", "attached"),
    ]
    assert caller_rows[0]["data"] == {} and caller_rows[2]["data"] == {"files": ["screen.txt"]}
    agent_rows = api_for(agent).get(url(paged, "timeline")).json()["results"]
    pages = [row for row in agent_rows if row["verb"] == "paged"]
    # Agents see who was paged at which level, never a link.
    assert [row["data"]["level"] for row in pages] == [1, 2]
    assert all(set(row["data"]) == {"user", "level", "cycle", "escalation"} for row in pages)


def test_only_the_paged_agents_mail_carries_a_working_link(paged, agent, other_agent):
    escalation = Escalation.objects.get(incident=paged)
    text = page_mail(other_agent.username)  # level 2, the current one
    link = re.search(rf"http://localhost:8000({ACK_PATH}[^/\s\"]+/)", text)
    assert link is not None and "Acknowledge this page" in text
    client = Client()
    assert b"Acknowledge as" in client.get(link.group(1)).content
    assert client.post(link.group(1)).status_code == 200
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.ACKNOWLEDGED
    assert escalation.acknowledged_by == other_agent
    assert escalations_due(now=escalation.acknowledged_at + timedelta(hours=1)) == 0


def test_the_migration_strips_links_stored_before(paged):
    from importlib import import_module

    from django.apps import apps

    strip = import_module("oncall.migrations.0002_strip_ack_urls").strip_ack_urls
    old = "http://localhost:8000/oncall/acknowledge/eyJlIjoxfQ:1t:c2lnbmF0dXJl/"
    entry = paged.timeline.get(verb="paged", data__level=1)
    entry.data["ack_url"] = old
    entry.save()
    hook = Notification.objects.get(
        kind=EventKind.PAGE, channel=Channel.WEBHOOK, payload__data__level=1
    )
    hook.payload["data"]["ack_url"] = old
    hook.save()

    strip(apps, None)

    entry.refresh_from_db()
    hook.refresh_from_db()
    assert "ack_url" not in entry.data and entry.data["level"] == 1
    assert "ack_url" not in hook.payload["data"] and hook.payload["data"]["level"] == 1
