"""``incidents.export``: one documented column set, values as stored, times in UTC with
their offset, formula-looking texts neutralised reversibly."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from catalog.models import ConfigurationItem, Location
from incidents.export import COLUMNS, cell, escape, export_rows, unescape
from incidents.models import Incident, Status
from incidents.workflow import incident_move, incident_override_priority

pytestmark = pytest.mark.django_db


def exported(incidents=None) -> list[dict[str, str]]:
    text = "".join(export_rows(incidents if incidents is not None else Incident.objects.all()))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_the_header_is_the_documented_column_set():
    header = next(export_rows(Incident.objects.none()))

    assert header == ",".join(COLUMNS) + "\r\n"
    assert COLUMNS[:5] == ("number", "title", "description", "status", "status_label")
    assert COLUMNS[-7:] == (
        "impact_started_at",
        "detected_at",
        "reported_at",
        "acknowledged_at",
        "mitigated_at",
        "resolved_at",
        "closed_at",
    )


def test_a_resolved_incident_reads_as_stored(
    make_incident, agent, manager, caller, team, service, category, subcategory
):
    reported = datetime(2026, 3, 1, 9, 15, tzinfo=UTC)
    incident = make_incident(
        number="INC0100001",
        reported_at=reported,
        category=category,
        subcategory=subcategory,
        location=Location.objects.create(name="Lyon HQ"),
        configuration_item=ConfigurationItem.objects.create(name="mail-01"),
        contact="+33 4 00 00 00",
        severity=3,
        assigned_to=agent,
    )
    incident = incident_override_priority(incident, by=manager, priority=1, reason="CEO's mail")
    incident = incident_move(incident, "acknowledge", by=agent)
    incident = incident_move(
        incident, "resolve", by=agent, resolution_code="workaround_provided", resolution_notes="OK"
    )

    (row,) = exported()

    assert row["number"] == "INC0100001"
    assert (row["status"], row["status_label"]) == (str(Status.RESOLVED), "Resolved")
    assert row["caller"] == caller.username and row["assigned_to"] == agent.username
    assert (row["service"], row["assignment_group"]) == (service.name, team.name)
    assert (row["category"], row["subcategory"]) == ("Software", "Mail client")
    assert (row["location"], row["configuration_item"]) == ("Lyon HQ", "mail-01")
    assert (row["impact"], row["urgency"], row["priority"]) == ("2", "2", "1")
    assert row["priority_override_reason"] == "CEO's mail"
    assert (row["severity"], row["source"], row["hold_reason"]) == ("3", "phone", "")
    # The override declared it a major incident; it still resolves by the same move.
    assert row["resolution_code"] == "workaround_provided"
    assert row["reported_at"] == "2026-03-01T09:15:00+00:00"
    assert row["detected_at"] == row["reported_at"]
    assert row["resolved_at"] == incident.resolved_at.astimezone(UTC).isoformat()
    assert row["resolved_at"].endswith("+00:00")
    assert (row["closed_at"], row["impact_started_at"]) == ("", "")
    assert (row["reassignment_count"], row["reopen_count"], row["made_sla"]) == ("0", "0", "")


def test_made_sla_is_true_false_or_empty():
    assert (cell(True), cell(False), cell(None)) == ("true", "false", "")


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 1 23", "'+33 1 23"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("'quoted'", "''quoted'"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_formula_cells_get_a_quote_that_the_import_removes(typed, written):
    assert escape(typed) == written
    assert unescape(written) == typed


def test_a_formula_title_is_neutralised_in_the_file(make_incident):
    make_incident(title="=cmd|'/C calc'!A0", contact="-call me")

    (row,) = exported()

    assert row["title"] == "'=cmd|'/C calc'!A0"
    assert row["contact"] == "'-call me"
    assert unescape(row["title"]) == "=cmd|'/C calc'!A0"


def test_rows_follow_the_querysets_order(make_incident):
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(3):
        make_incident(title=f"day {day}", reported_at=base + timedelta(days=day))

    rows = exported(Incident.objects.order_by("reported_at"))

    assert [row["title"] for row in rows] == ["day 0", "day 1", "day 2"]
