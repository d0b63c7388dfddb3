"""The round trip on real data: the ServiceNow log's first incidents imported, exported,
the desk emptied, the export imported with ``--format servicedesk`` and exported again:
the two files are equal on every column (people are the import's usernames, priorities
the source's with reason "imported", milestones and counters the replay's)."""

import csv
import gzip
import io
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from imports.engine import import_incidents
from imports.formats.base import ReadOptions
from imports.formats.servicedesk import ServiceDesk
from imports.formats.servicenow import ServiceNow
from incidents.export import COLUMNS, export_rows
from incidents.models import Incident

pytestmark = pytest.mark.django_db

ROWS = 6000
"""Source rows taken from the top of the log (its incidents' rows are consecutive)."""
OPTIONS = ReadOptions(ZoneInfo("UTC"))


def export() -> str:
    return "".join(export_rows(Incident.objects.order_by("number")))


def test_real_servicenow_incidents_survive_export_and_reimport(data_dir: Path, tmp_path: Path):
    source = tmp_path / "servicenow_head.csv"
    with gzip.open(data_dir / "servicenow_incident_event_log.csv.gz", "rt", newline="") as log:
        source.write_text("".join(islice(log, ROWS + 1)), newline="")
    imported = import_incidents(ServiceNow(), [source], options=OPTIONS)
    assert imported.created > 800
    first = export()

    Incident.objects.all().delete()
    path = tmp_path / "export.csv"
    path.write_text(first, encoding="utf-8", newline="")
    again = import_incidents(ServiceDesk(), [path], options=OPTIONS)

    assert again.rejected == []
    assert again.created == imported.created
    assert again.lookups_created == {}  # every person, group, category and CI found by name
    second = export()
    before = {row["number"]: row for row in csv.DictReader(io.StringIO(first, newline=""))}
    after = {row["number"]: row for row in csv.DictReader(io.StringIO(second, newline=""))}
    differing = [
        (number, name, row[name], after[number][name])
        for number, row in before.items()
        for name in COLUMNS
        if row[name] != after[number][name]
    ]
    assert differing[:5] == []
    assert second == first
    # The file is varied: finished and open incidents, reopens, reassignments, overrides.
    statuses = {row["status_label"] for row in before.values()}
    assert {"Closed", "In Progress"} <= statuses
    assert any(row["reopen_count"] != "0" for row in before.values())
    assert any(row["reassignment_count"] != "0" for row in before.values())
    assert any(row["priority_override_reason"] == "imported" for row in before.values())
