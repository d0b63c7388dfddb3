"""Issue 15, must-show 4: export -> re-import -> export is equal on every exported column.

A varied desk is built through the workflow functions only (every state, on hold for two
reasons, reopened, reassigned, an overridden priority, a major incident, locations and
configuration items, made_sla true, false and unknown, every milestone), exported through
the API, emptied, imported from that file by the engine (``--format servicedesk``) and
exported again."""

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from catalog.models import ConfigurationItem, Location
from imports.engine import import_incidents
from imports.formats.base import ReadOptions
from imports.formats.servicedesk import ServiceDesk
from imports.models import ImportedIncident
from incidents.export import COLUMNS
from incidents.major import incident_link_major
from incidents.milestones import incident_set_milestone
from incidents.models import Incident, IncidentTimelineEntry, Status
from incidents.workflow import (
    incident_create,
    incident_move,
    incident_override_priority,
    incident_update,
)
from sla.models import Calendar, SlaDefinition
from tests.factories import second_team

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/incidents/export.csv"
START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


class Desk:
    """Writes through the workflow with the clock at a chosen time, minutes apart."""

    def __init__(self) -> None:
        self.now = START

    def at(self, minutes: float) -> time_machine.travel:
        self.now += timedelta(minutes=minutes)
        return time_machine.travel(self.now, tick=False)

    def create(self, by, **fields) -> Incident:
        with self.at(7):
            return incident_create(by=by, **fields)

    def move(self, incident: Incident, name: str, by, after: float = 11, **inputs) -> Incident:
        with self.at(after):
            return incident_move(incident, name, by=by, **inputs)


def build_desk(agent, other_agent, manager, caller, team, service, category, subcategory) -> int:
    SlaDefinition.objects.create(
        name="Any",
        calendar=Calendar.objects.create(name="24x7", always_on=True),
        response_target=1,
        resolution_target=8,
    )
    lyon = Location.objects.create(name="Lyon HQ")
    mail = ConfigurationItem.objects.create(name="mail-01")
    network = second_team()
    desk = Desk()
    common = {"caller": caller, "service": service, "assignment_group": team}

    def resolve(incident, by=agent, after=11):
        return desk.move(
            incident,
            "resolve",
            by,
            after,
            resolution_code="solution_provided",
            resolution_notes="Restarted the relay",
        )

    desk.create(agent, title="New, nothing done", impact=3, urgency=3, **common)
    desk.create(agent, title="No caller, no service", impact=2, urgency=3, caller=None)
    working = desk.create(
        agent,
        title="=SUM(A1) in the title",
        contact="+33 4 00",
        location=lyon,
        configuration_item=mail,
        category=category,
        subcategory=subcategory,
        severity=3,
        description='-starts with a minus\nand has two lines, a "quote" and, commas',
        **common,
    )
    desk.move(working, "acknowledge", agent)
    for reason in ("awaiting_vendor", "awaiting_caller"):
        held = desk.create(agent, title=f"On hold: {reason}", **common)
        held = desk.move(held, "acknowledge", agent)
        desk.move(held, "hold", agent, hold_reason=reason, note="Waiting")
    # Late: the response clock breaches (made_sla false once it resolves).
    late = desk.create(agent, title="Acknowledged late", **common)
    late = desk.move(late, "acknowledge", agent, after=120)
    resolve(late)
    # On time, resolved and closed: made_sla true.
    quick = desk.create(agent, title="Quick fix", impact=1, urgency=3, **common)
    quick = desk.move(quick, "acknowledge", agent)
    quick = resolve(quick)
    desk.move(quick, "close", agent, note="Done")
    confirmed = resolve(
        desk.move(desk.create(agent, title="Confirmed", **common), "acknowledge", agent)
    )
    desk.move(confirmed, "confirm", caller, note="Works")
    # Reopened once, open again; reopened, resolved again and closed.
    reopened = resolve(
        desk.move(desk.create(agent, title="Came back", **common), "acknowledge", agent)
    )
    desk.move(reopened, "reopen", caller, reason="Still broken")
    twice = resolve(
        desk.move(desk.create(agent, title="Came back, fixed", **common), "acknowledge", agent)
    )
    twice = desk.move(twice, "reopen", caller, reason="Still broken")
    twice = resolve(twice, after=30)
    desk.move(twice, "close", agent, note="Really done")
    # Reassigned twice: escalated to another group and back (handed to another agent
    # first, which within the group is no reassignment: kernel.editing.is_reassignment).
    moved = desk.create(agent, title="Passed around", assigned_to=agent, **common)
    with desk.at(5):
        moved = incident_update(moved, by=agent, changes={"assigned_to": other_agent})
    moved = desk.move(moved, "escalate_group", agent, assignment_group=network, reason="Network's")
    desk.move(moved, "escalate_group", agent, assignment_group=team, reason="Ours after all")
    # Canceled from New and from In Progress.
    desk.move(desk.create(agent, title="Logged twice", **common), "cancel", manager, reason="Dup")
    busy = desk.move(desk.create(agent, title="Withdrawn", **common), "acknowledge", agent)
    desk.move(busy, "cancel", manager, reason="Caller withdrew it")
    # An overridden priority, and a major incident (P1 declares itself) with a child,
    # every milestone set.
    vip = desk.create(agent, title="CEO's mail", impact=3, urgency=3, **common)
    with desk.at(3):
        incident_override_priority(vip, by=manager, priority=2, reason="The CEO's laptop")
    outage = desk.create(agent, title="Mail down for everyone", impact=1, urgency=1, **common)
    assert outage.is_major
    child = desk.create(agent, title="Cannot send mail", **common)
    with desk.at(1):
        incident_link_major(child, by=agent, parent=outage)
    outage = desk.move(outage, "acknowledge", agent)
    with desk.at(2):
        outage = incident_set_milestone(
            outage,
            by=agent,
            milestone="impact_started",
            at=outage.reported_at - timedelta(minutes=30),
            reason="The relay's log",
        )
        outage = incident_set_milestone(
            outage,
            by=agent,
            milestone="detected",
            at=outage.reported_at - timedelta(minutes=5),
            reason="The first alert",
        )
    with desk.at(3):
        outage = incident_set_milestone(
            outage,
            by=agent,
            milestone="mitigated",
            at=desk.now - timedelta(minutes=1),
            reason="Traffic moved to the standby relay",
        )
    resolve(outage)  # it closes only with its postmortem published: it stays resolved
    return Incident.objects.count()


def rows_by_number(text: str) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return {row["number"]: row for row in reader}


def export(client) -> str:
    response = client.get(EXPORT)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def empty_the_desk() -> None:
    Incident.objects.exclude(major_incident=None).delete()
    Incident.objects.all().delete()


def test_export_import_export_is_equal_on_every_column(
    agent_api,
    agent,
    other_agent,
    manager,
    caller,
    team,
    service,
    category,
    subcategory,
    tmp_path: Path,
):
    count = build_desk(agent, other_agent, manager, caller, team, service, category, subcategory)
    first = export(agent_api)
    before = rows_by_number(first)
    assert len(before) == count
    # The desk is as varied as promised.
    column = lambda name: {row[name] for row in before.values()}  # noqa: E731
    assert column("status") == {str(s) for s in Status}
    assert column("hold_reason") >= {"awaiting_vendor", "awaiting_caller"}
    assert column("made_sla") == {"true", "false", ""}
    assert {"0", "1"} <= column("reopen_count") and "2" in column("reassignment_count")
    assert "The CEO's laptop" in column("priority_override_reason")
    assert all(column(name) - {""} for name in COLUMNS)  # every column holds a value somewhere

    empty_the_desk()
    path = tmp_path / "incidents.csv"
    path.write_text(first, encoding="utf-8", newline="")
    summary = import_incidents(
        ServiceDesk(), [path], options=ReadOptions(time_zone=ZoneInfo("UTC"))
    )

    assert summary.rejected == []
    assert (summary.cases, summary.created) == (count, count)
    assert summary.rows == summary.updates_imported
    second = export(agent_api)
    after = rows_by_number(second)
    assert after.keys() == before.keys()
    for number, row in before.items():
        differing = {
            name: (row[name], after[number][name])
            for name in COLUMNS
            if row[name] != after[number][name]
        }
        assert differing == {}, number
    assert second == first  # and in the same order, byte for byte


def test_the_import_writes_history_and_timeline_at_the_exported_times(
    agent_api,
    agent,
    other_agent,
    manager,
    caller,
    team,
    service,
    category,
    subcategory,
    tmp_path: Path,
):
    build_desk(agent, other_agent, manager, caller, team, service, category, subcategory)
    before = rows_by_number(export(agent_api))
    empty_the_desk()
    path = tmp_path / "incidents.csv"
    path.write_text(export_text := "".join([",".join(COLUMNS) + "\r\n"]), encoding="utf-8")
    assert export_text  # an empty export imports nothing
    assert import_incidents(ServiceDesk(), [path], options=ReadOptions(ZoneInfo("UTC"))).cases == 0

    path.write_text(_csv(before.values()), encoding="utf-8", newline="")
    import_incidents(ServiceDesk(), [path], options=ReadOptions(ZoneInfo("UTC")))

    closed = Incident.objects.get(title="Quick fix")
    row = before[closed.number]
    entries = list(
        IncidentTimelineEntry.objects.filter(ticket=closed).values_list(
            "verb", "author__username", "created_at"
        )
    )
    assert [verb for verb, _, _ in entries] == ["created", "acknowledge", "resolve", "close"]
    assert entries[0][1] == caller.username and entries[0][2].isoformat() == row["reported_at"]
    assert [at.isoformat() for _, _, at in entries[1:]] == [
        row["acknowledged_at"],
        row["resolved_at"],
        row["closed_at"],
    ]
    history = list(closed.history.order_by("history_date").values_list("history_type", "status"))
    assert history == [
        ("+", Status.NEW),
        ("~", Status.IN_PROGRESS),
        ("~", Status.RESOLVED),
        ("~", Status.CLOSED),
    ]
    key = ImportedIncident.objects.get(incident=closed)
    assert (key.source, key.number) == ("servicedesk", closed.number)

    # A second run of the same file changes nothing.
    again = import_incidents(ServiceDesk(), [path], options=ReadOptions(ZoneInfo("UTC")))
    assert (again.created, again.unchanged) == (0, len(before))
    assert again.updates_already == again.rows


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
