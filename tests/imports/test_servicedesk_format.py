"""``--format servicedesk``: what the reader refuses (another file's header stops the run;
a bad row is rejected with its line and reason, the rest imports), and how it reads what
it accepts (escaped cells, offsets, people by username, plain or gzipped)."""

import csv
import gzip
import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from accounts.models import User
from imports.engine import import_incidents
from imports.formats.base import ReadOptions
from imports.formats.reading import WrongFile
from imports.formats.servicedesk import ServiceDesk
from incidents.export import COLUMNS
from incidents.models import Incident, Status

pytestmark = pytest.mark.django_db

UTC_OPTIONS = ReadOptions(ZoneInfo("UTC"))


def row(number: str, **values: str) -> dict[str, str]:
    base = dict.fromkeys(COLUMNS, "")
    base.update(
        number=number,
        title=f"Incident {number}",
        status="1",
        status_label="New",
        source="phone",
        impact="2",
        urgency="2",
        priority="3",
        reassignment_count="0",
        reopen_count="0",
        reported_at="2026-05-04T10:00:00+00:00",
        detected_at="2026-05-04T10:00:00+00:00",
    )
    base.update(values)
    return base


def write(path: Path, rows: list[dict[str, str]], *, extra: str = "") -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue() + extra, encoding="utf-8", newline="")
    return path


def test_another_files_header_stops_the_run_before_any_row(data_dir, tmp_path):
    servicenow = data_dir / "servicenow_incident_event_log.csv.gz"

    with pytest.raises(WrongFile, match="header column 2 is 'incident_state', expected 'title'"):
        import_incidents(ServiceDesk(), [servicenow], options=UTC_OPTIONS)

    assert not Incident.objects.exists()


def test_bad_rows_are_rejected_with_their_lines_and_the_rest_imports(tmp_path):
    path = write(
        tmp_path / "export.csv",
        [
            row("INC0200001", description="two\nlines"),  # lines 2-3
            row("INC0200002", status="9"),  # line 4
            row("INC0200003", reported_at="yesterday"),  # line 5
            row("INC0200004", made_sla="yes"),  # line 6
            row("INC0200005", status="3", hold_reason="coffee"),  # line 7
            row("INC0200006", reported_at=""),  # line 8
            row("INC0200007", resolution_code="magic"),  # line 9
            row("INC0200008", reopen_count="-1"),  # line 10
            row(""),  # line 11
            row("INC0200009", priority="3"),  # line 12
            row("INC0200011", reassignment_count="²"),  # line 13
            row("INC0200012", title="a\x00b"),  # line 14
        ],
        extra="INC0200010,too short\r\n",  # line 15
    )

    summary = import_incidents(ServiceDesk(), [path], options=UTC_OPTIONS)

    rejected = {(r.line, r.number): r.reason for r in summary.rejected}
    assert rejected == {
        (4, "INC0200002"): "status: '9' is not one of ours",
        (5, "INC0200003"): "reported_at: unparsable time 'yesterday' (expected ISO 8601)",
        (6, "INC0200004"): "made_sla: 'yes' is not true, false or empty",
        (7, "INC0200005"): "hold_reason: 'coffee' is not one of ours",
        (8, "INC0200006"): "reported_at: missing time",
        (9, "INC0200007"): "resolution_code: 'magic' is not one of ours",
        (10, "INC0200008"): "reopen_count: '-1' is not a count",
        (11, ""): "no incident number",
        (13, "INC0200011"): "reassignment_count: '²' is not a count",
        (14, "INC0200012"): "a NUL character (PostgreSQL text cannot hold one)",
        (15, "INC0200010"): f"2 fields where the header has {len(COLUMNS)}",
    }
    assert set(Incident.objects.values_list("number", flat=True)) == {"INC0200001", "INC0200009"}
    assert summary.rows == summary.updates_imported + summary.updates_already + len(rejected)


def test_escaped_cells_offsets_and_people_read_back(tmp_path):
    path = write(
        tmp_path / "export.csv",
        [
            row(
                "INC0200020",
                title='\'=HYPERLINK("x")',
                contact="''quoted",
                caller="newcomer",
                status="6",
                status_label="Resolved",
                resolution_code="solution_provided",
                resolution_notes="'-restarted",
                reported_at="2026-05-04T12:00:00+02:00",
                detected_at="2026-05-04T12:00:00+02:00",
                acknowledged_at="2026-05-04 11:30:00",  # no offset: the run's zone
                resolved_at="2026-05-04T11:00:00Z",
            )
        ],
    )

    summary = import_incidents(ServiceDesk(), [path], options=ReadOptions(ZoneInfo("Europe/Paris")))

    assert summary.rejected == []
    incident = Incident.objects.select_related("caller").get()
    assert incident.title == '=HYPERLINK("x")'
    assert incident.contact == "'quoted" and incident.resolution_notes == "-restarted"
    assert incident.reported_at == datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    assert incident.acknowledged_at == datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
    assert incident.resolved_at == datetime(2026, 5, 4, 11, 0, tzinfo=UTC)
    assert incident.status == Status.RESOLVED
    # A username the desk does not know becomes a user of that name who cannot sign in.
    assert incident.caller.username == "newcomer"
    assert not incident.caller.has_usable_password() and not incident.caller.is_staff
    verbs = list(incident.timeline.values_list("verb", "author__username"))
    assert verbs == [("created", "newcomer"), ("acknowledge", None), ("resolve", None)]


def test_known_usernames_are_the_desks_own_people(tmp_path, agent, caller, team):
    people = User.objects.count()
    path = write(
        tmp_path / "export.csv",
        [row("INC0200030", caller=caller.username, assigned_to=agent.username,
             assignment_group=team.name)],
    )  # fmt: skip

    import_incidents(ServiceDesk(), [path], options=UTC_OPTIONS)

    incident = Incident.objects.get()
    assert (incident.caller, incident.assigned_to, incident.assignment_group) == (
        caller,
        agent,
        team,
    )
    assert User.objects.count() == people  # nobody new


def test_the_command_reads_a_gzipped_export(tmp_path):
    plain = write(tmp_path / "export.csv", [row("INC0200040"), row("INC0200041")])
    packed = tmp_path / "export.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    out = io.StringIO()

    call_command(
        "import_incidents", "--format", "servicedesk", str(packed), stdout=out, verbosity=1
    )

    assert "2 created" in out.getvalue()
    assert Incident.objects.count() == 2
