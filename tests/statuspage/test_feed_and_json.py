"""summary.json validates against the shipped JSON Schema (itself valid draft 2020-12);
the Atom feed is valid RFC 4287; neither (nor the pages) shows anything internal."""

import json
from datetime import timedelta
from pathlib import Path

import feedparser
import jsonschema
import pytest
from django.utils import timezone

from changes.models import Status as ChangeStatus
from incidents.workflow import incident_add_note

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[2] / "statuspage" / "schemas" / "summary.schema.json"
SECRET_DESCRIPTION = "Root password is in the vault entry MX-7"
SECRET_NOTE = "Work note: blame the vendor's patch"


@pytest.fixture
def busy_page(make_incident, post_update, agent, other_agent, change_in):
    """An open public incident with two updates, a resolved one, maintenance now and later,
    and internal words (description, work note, assignee) that must never show."""
    open_one = make_incident(
        title="INTERNAL mx01 disk full", description=SECRET_DESCRIPTION, assigned_to=other_agent
    )
    incident_add_note(open_one, by=agent, body=SECRET_NOTE, internal=True)
    post_update(open_one, title="Email delays", impact="partial_outage")
    post_update(open_one, phase="identified", body="A mail relay is overloaded.")
    done = make_incident(title="INTERNAL old thing")
    post_update(done, title="Login trouble", body="Some people cannot sign in.")
    post_update(done, phase="resolved", body="Fixed.")
    change_in(ChangeStatus.IMPLEMENT, customer_visible=True, title="Mail server upgrade")
    later = timezone.now() + timedelta(days=3)
    change_in(
        ChangeStatus.SCHEDULED,
        customer_visible=True,
        title="Storage move",
        planned_start=later,
        planned_end=later + timedelta(hours=1),
    )
    return open_one


def test_summary_json_validates_against_its_schema(client, busy_page):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    response = client.get("/status/api/summary.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=60" in response["Cache-Control"]
    data = response.json()
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(data)
    assert data["status"] == {"indicator": "major", "description": "Partial system outage"}
    assert [c["status"] for c in data["components"]] == ["partial_outage"]
    (incident,) = data["incidents"]  # unresolved only
    assert incident["name"] == "Email delays" and incident["status"] == "identified"
    assert [u["body"] for u in incident["incident_updates"]] == [
        "A mail relay is overloaded.",
        "We are looking into failures sending mail.",
    ]
    assert {m["name"]: m["status"] for m in data["scheduled_maintenances"]} == {
        "Mail server upgrade": "in_progress",
        "Storage move": "scheduled",
    }


def test_empty_summary_validates(client, service):
    schema = json.loads(SCHEMA.read_text())
    data = client.get("/status/api/summary.json").json()
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["status"]["indicator"] == "none"


def test_atom_feed_is_valid_rfc_4287(client, busy_page):
    response = client.get("/status/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id and feed.feed.title and feed.feed.updated and feed.feed.author
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Login trouble: Resolved"  # newest first
    assert len(feed.entries) == 4
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated and entry.link
        assert entry.content[0].value
    assert "A mail relay is overloaded." in [e.content[0].value for e in feed.entries]
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    "path", ["/status/", "/status/api/summary.json", "/status/feed.atom", "INCIDENT", "SERVICE"]
)
def test_nothing_internal_anywhere(client, busy_page, other_agent, path):
    path = {
        "INCIDENT": f"/status/incidents/{busy_page.number}/",
        "SERVICE": f"/status/services/{busy_page.service_id}/",
    }.get(path, path)
    response = client.get(path)
    assert response.status_code == 200
    text = response.content.decode()
    for secret in (
        SECRET_DESCRIPTION,
        SECRET_NOTE,
        "INTERNAL",
        other_agent.username,
        other_agent.first_name,
        "alice",
        "Alice",
    ):
        assert secret not in text, f"{secret!r} leaked into {path}"


def test_timestamps_are_timezone_aware(client, busy_page):
    data = client.get("/status/api/summary.json").json()
    updated = data["incidents"][0]["updated_at"]
    assert timezone.datetime.fromisoformat(updated).tzinfo is not None
