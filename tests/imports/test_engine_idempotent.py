"""Keyed by source + number + update sequence: a second run changes nothing, a later run
with new updates of a known incident appends them (history, timeline, fields, milestones,
counters)."""

import pytest

from imports.engine import import_incidents
from imports.models import ImportedIncident, ImportRun
from incidents.models import Incident, IncidentTimelineEntry, Status
from tests.imports.cases import OPTIONS, ListFormat, at, case, closed_case, update

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "incidents": Incident.objects.count(),
        "history": Incident.history.model.objects.count(),
        "timeline": IncidentTimelineEntry.objects.count(),
        "keys": ImportedIncident.objects.count(),
    }


def test_a_second_run_changes_nothing():
    items = [closed_case(f"INC03{i:05d}", start=i) for i in range(7)]
    first = import_incidents(ListFormat(items), [], options=OPTIONS, batch_size=3)
    before = counts()
    snapshot = list(Incident.objects.order_by("id").values())
    second = import_incidents(ListFormat(items), [], options=OPTIONS, batch_size=3)
    assert (first.created, first.updates_imported) == (7, 28)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 7)
    assert (second.updates_imported, second.updates_already, second.rows) == (0, 28, 28)
    assert second.accounted()
    assert counts() == before
    assert list(Incident.objects.order_by("id").values()) == snapshot
    assert ImportRun.objects.filter(status="finished").count() == 2


def test_new_updates_of_a_known_incident_are_appended():
    opened = case(
        "INC0300100",
        update(0, 0, Status.NEW, assignment_group="Group 1"),
        update(1, 10, Status.IN_PROGRESS, assigned_to="Resolver 1"),
        update(2, 20, Status.RESOLVED),
    )
    import_incidents(ListFormat([opened]), [], options=OPTIONS)
    incident = Incident.objects.get(number="INC0300100")
    # A first group, then an assignee within it: no reassignment (is_reassignment).
    assert (incident.status, incident.resolved_at, incident.reassignment_count) == (
        Status.RESOLVED, at(20), 0,
    )  # fmt: skip
    later = case(
        "INC0300100",
        *opened.updates,
        update(3, 30, Status.IN_PROGRESS),  # reopened
        update(4, 40, Status.IN_PROGRESS, assignment_group="Group 2"),
        update(5, 50, Status.RESOLVED),
        update(6, 90, Status.CLOSED, close_code="closed_by_agent"),
        counters={"reassignments": 1, "reopens": 1},
    )
    summary = import_incidents(ListFormat([later]), [], options=OPTIONS)
    assert (summary.created, summary.updated, summary.updates_imported) == (0, 1, 4)
    assert (summary.updates_already, summary.counter_mismatches) == (3, [])
    incident.refresh_from_db()
    assert (incident.status, incident.close_code) == (Status.CLOSED, "closed_by_agent")
    assert (incident.resolved_at, incident.closed_at, incident.acknowledged_at) == (
        at(50), at(90), at(10),
    )  # fmt: skip
    assert (incident.reopen_count, incident.reassignment_count) == (1, 1)
    assert incident.assignment_group.name == "Group 2"
    assert incident.updated_at == at(90)
    verbs = list(incident.timeline.order_by("created_at").values_list("verb", flat=True))
    assert verbs == ["created", "acknowledge", "resolve", "reopen", "assigned", "resolve", "close"]
    assert [h.history_type for h in incident.history.order_by("history_date")] == [
        "+", "~", "~", "~", "~", "~", "~",
    ]  # fmt: skip
    assert ImportedIncident.objects.get(incident=incident).last_sequence == 6
    # And once more: nothing new.
    again = import_incidents(ListFormat([later]), [], options=OPTIONS)
    assert (again.unchanged, again.updates_imported, again.updates_already) == (1, 0, 7)
