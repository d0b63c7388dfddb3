"""The Markdown export of a fixture incident matches the reviewed golden file
(tests/response/golden/timeline.md). The fixture's entries are written with a clock the
test sets, so scribe entries, alerts and the causing change land at fixed, earlier times.
After a deliberate change of the format: ``UPDATE_GOLDEN=1 pytest <this file>``, then
review the diff by eye."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import timezone
from markdown_it import MarkdownIt

from changes.links import change_link_incident
from incidents.major import incident_assign_role
from incidents.milestones import incident_set_milestone
from incidents.workflow import incident_add_note, incident_move
from kernel import events
from response.markdown import timeline_markdown
from response.timeline import scribe_entry_add, timeline_of, timeline_star
from response.updates import stakeholder_update_post
from tests.alerts import rows

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "timeline.md"


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 30, hour, minute, second, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = at(12, 0)

    def set(self, hour: int, minute: int, second: int = 0) -> None:
        self.now = at(hour, minute, second)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Django's clock, set by the test: the workflow stamps "now" as it does in use."""
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def fixture_incident(clock, make_incident, make_change, agent, other_agent, manager, service):
    service.is_public = True
    service.save()
    # Notifications are not part of the file: the fixture tells nobody.
    with events.muted():
        clock.set(12, 30)
        change = make_change(title="Deploy 4711 to checkout")
        clock.set(13, 42, 10)
        incident = make_incident(
            title="Checkout fails for all customers",
            severity=2,
            detected_at=at(13, 38),
        )
        rows.alert(
            rows.integration(),
            incident,
            first_seen=at(13, 38),
            starts_at=at(13, 37, 30),
            ends_at=at(14, 15),
            labels={"alertname": "CheckoutErrorRate"},
            summary="Checkout 5xx rate above 5% for 2 minutes",
        )
        clock.set(13, 44)
        incident = incident_move(incident, "acknowledge", by=agent)
        clock.set(13, 45)
        incident = incident_move(incident, "declare", by=manager, reason="Every customer is hit")
        clock.set(13, 46, 30)
        incident_assign_role(incident, by=manager, role="communications", user=agent)
        clock.set(13, 47)
        incident_assign_role(incident, by=manager, role="scribe", user=other_agent)
        clock.set(13, 50)
        stakeholder_update_post(
            incident, by=agent, body="Checkout is failing; a rollback is under way."
        )
        clock.set(13, 58)
        rollback = scribe_entry_add(
            incident, by=other_agent, at=at(13, 52), body="Rolled back deploy 4711"
        )
        clock.set(13, 58, 30)
        scribe_entry_add(
            incident, by=other_agent, at=at(13, 35), body="First customer complaint on social media"
        )
        clock.set(14, 0)
        incident_set_milestone(
            incident, by=agent, milestone="impact_started", at=at(13, 31, 7), reason="Error graphs"
        )
        clock.set(14, 5)
        incident_add_note(
            incident, by=other_agent, body="Error rate back to normal.", internal=True
        )
        clock.set(14, 6)
        change_link_incident(change, incident, by=agent)
        clock.set(14, 10)
        stakeholder_update_post(
            incident, by=agent, body="Checkout works again; we are monitoring.", public=True,
            phase="monitoring", title="Checkout problems",
        )  # fmt: skip
        clock.set(14, 20)
        incident = incident_move(
            incident, "resolve", by=agent, resolution_code="solution_provided",
            resolution_notes="Deploy 4711 rolled back.",
        )  # fmt: skip
        clock.set(14, 25)
        timeline_star(incident, by=agent, key=f"entry:{rollback.pk}")
        alert_key = next(item.key for item in timeline_of(incident) if item.source == "alert")
        timeline_star(incident, by=agent, key=alert_key)
    incident.refresh_from_db()
    return incident


def test_the_markdown_matches_the_golden_file(fixture_incident):
    text = timeline_markdown(fixture_incident)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_user_text_cannot_inject_html_or_markdown_structure(make_incident, declare, agent):
    """Titles and bodies are people's words: whoever renders the file (a wiki, a repo)
    shows them as typed, never as HTML or as headings and lists of the document."""
    incident = declare(make_incident(title='<img src=x onerror="alert(1)"> & **now**'))
    scribe_entry_add(
        incident,
        by=agent,
        at=timezone.now(),
        body="<script>alert(2)</script>\n# Not a heading\n- not a list\n1. nor this",
    )
    html = MarkdownIt("commonmark").render(timeline_markdown(incident))
    assert "<script" not in html and "<img" not in html
    assert html.count("<h1>") == 1 and "<h1>Not a heading" not in html
    assert "<li>not a list" not in html and "<ol>" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; **now**" in html
