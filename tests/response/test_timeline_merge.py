"""The merged timeline: incident entries, alerts, the causing change's events and the
notifications sent, by event time (a scribe's stated time, an alert's first sight), then
record time, then source and id: the same order on every read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from changes.links import change_link_incident
from incidents.workflow import incident_add_note
from response.timeline import scribe_entry_add, timeline_of
from tests.alerts import rows

pytestmark = pytest.mark.django_db


def test_every_source_is_merged_in_time_order(major, agent, make_change, other_agent):
    now = timezone.now()
    source = rows.integration()
    alert = rows.alert(
        source,
        major,
        first_seen=now - timedelta(hours=2),
        ends_at=now - timedelta(minutes=30),
        labels={"alertname": "CheckoutErrors"},
        summary="Checkout 5xx above 5%",
    )
    change = make_change(title="Deploy 4711")
    change_link_incident(change, major, by=agent)
    incident_add_note(major, by=other_agent, body="Looking at the database.", internal=True)
    scribe = scribe_entry_add(
        major, by=other_agent, at=now - timedelta(hours=1), body="Rolled back deploy 4711"
    )

    items = timeline_of(major)

    keys = [item.key for item in items]
    assert keys[0] == f"alert:{alert.pk}"  # the earliest event of all
    assert keys.index(f"entry:{scribe.pk}") < keys.index(f"alert_end:{alert.pk}")
    first = items[0]
    assert first.title == "Alert fired: CheckoutErrors" and first.body == "Checkout 5xx above 5%"
    by_key = {item.key: item for item in items}
    written = by_key[f"entry:{scribe.pk}"]
    assert written.at == now - timedelta(hours=1) and written.recorded_at == scribe.created_at
    assert written.kind == "scribe" and written.author == str(other_agent)
    assert {item.source for item in items} == {
        "entry", "alert", "alert_end", "change", "notification",
    }  # fmt: skip
    change_titles = [item.title for item in items if item.source == "change"]
    assert f"{change.number}: Logged" in change_titles
    assert f"{change.number}: Marked as the cause of {major.number}" in change_titles
    assert "Declared a major incident" in [item.title for item in items]
    notes = [item for item in items if item.kind == "work_note"]
    assert notes[0].title == "Work note" and notes[0].body == "Looking at the database."
    sent = [item for item in items if item.source == "notification"]
    assert any(item.title.startswith("Email") for item in sent)
    # Sorted by (event time, record time, source, id), and stable across reads.
    assert [item.order() for item in items] == sorted(item.order() for item in items)
    assert [item.key for item in timeline_of(major)] == keys


def test_entries_at_the_same_stated_time_keep_the_order_they_were_written(major, agent):
    at = timezone.now() - timedelta(minutes=10)
    first = scribe_entry_add(major, by=agent, at=at, body="Paged the database team")
    second = scribe_entry_add(major, by=agent, at=at, body="Database team joined")

    scribed = [item for item in timeline_of(major) if item.kind == "scribe"]

    assert [item.id for item in scribed] == [str(first.pk), str(second.pk)]


def test_reading_costs_the_same_queries_however_long(major, agent, make_change):
    change_link_incident(make_change(), major, by=agent)
    rows.alert(rows.integration(), major)
    with CaptureQueriesContext(connection) as few:
        timeline_of(major)
    for n in range(20):
        incident_add_note(major, by=agent, body=f"note {n}", internal=True)
    rows.alerts(rows.integration("Grafana"), 20, incident=major)
    with CaptureQueriesContext(connection) as many:
        items = timeline_of(major)
    assert len(items) > 60
    assert len(many.captured_queries) == len(few.captured_queries)
