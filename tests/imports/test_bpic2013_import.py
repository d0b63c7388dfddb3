"""The whole BPIC 2013 log (Volvo IT's VINST, 7,554 cases) through the engine: every row
accounted for, final states as docs/import.md's table says, computed here from the CSV
with nothing of the product's, and a second run changes nothing."""

import csv
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from imports.engine import import_incidents
from imports.formats.base import ReadOptions
from imports.formats.bpic2013 import Bpic2013
from incidents.models import Incident, IncidentTimelineEntry

# docs/import.md, "## BPIC 2013", written out again by hand: (Status, Sub Status) → state.
FINAL_STATE = {
    ("Queued", "Awaiting Assignment"): "New",
    ("Accepted", "Assigned"): "In Progress",
    ("Accepted", "In Progress"): "In Progress",
    ("Accepted", "Wait"): "On Hold",
    ("Accepted", "Wait - User"): "On Hold",
    ("Accepted", "Wait - Customer"): "On Hold",
    ("Accepted", "Wait - Vendor"): "On Hold",
    ("Accepted", "Wait - Implementation"): "On Hold",
    ("Completed", "Resolved"): "Resolved",
    ("Completed", "In Call"): "Closed",
    ("Completed", "Closed"): "Closed",
    ("Completed", "Cancelled"): "Canceled",
    ("Unmatched", "Unmatched"): "In Progress",
}


def _from_csv(path):
    """Rows, cases and each case's last (Status, Sub Status), in plain Python."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    last = {}
    for row in rows:
        last[row["SR Number"]] = (row["Status"], row["Sub Status"])
    unknown = sum(1 for row in rows if (row["Status"], row["Sub Status"]) not in FINAL_STATE)
    return rows, last, unknown


def _reopens(rows):
    """Per case: moves from Resolved or Closed back to an open state."""
    finished, counts, state = {"Resolved", "Closed"}, Counter(), {}
    for row in rows:
        number, new = row["SR Number"], FINAL_STATE[row["Status"], row["Sub Status"]]
        counts[number] += state.get(number) in finished and new in {"New", "In Progress", "On Hold"}
        state[number] = new
    return counts


@pytest.mark.django_db
def test_the_whole_log_imports_once_and_agrees_with_the_csv(data_dir):
    path = data_dir / "bpic2013_incidents.csv"
    rows, last, unknown = _from_csv(path)
    assert (len(rows), len(last), unknown) == (65_533, 7_554, 0)
    options = ReadOptions(time_zone=ZoneInfo("UTC"))  # every time carries +01:00

    summary = import_incidents(Bpic2013(), [path], options=options, batch_size=1000)

    assert summary.accounted()
    assert (summary.rows, summary.cases, summary.created) == (65_533, 7_554, 7_554)
    assert summary.updates_imported == 65_533
    assert summary.rejected_by_reason() == Counter()  # every status pair maps; no bad time
    assert summary.priority_disagreements == {}  # no recorded priority: the matrix's
    assert Incident.objects.count() == 7_554
    assert Incident.history.count() == 65_533
    assert IncidentTimelineEntry.objects.filter(data__source="bpic2013").count() == 65_533
    expected = Counter(FINAL_STATE[pair] for pair in last.values())
    assert expected == {
        "Closed": 7_455,
        "Resolved": 90,
        "On Hold": 5,
        "In Progress": 3,
        "Canceled": 1,
    }
    ours = Counter(incident.get_status_display() for incident in Incident.objects.only("status"))
    assert ours == expected
    reopens = _reopens(rows)
    assert sum(reopens.values()) == sum(Incident.objects.values_list("reopen_count", flat=True))
    assert Incident.objects.filter(reopen_count__gt=0).count() == sum(
        1 for n in reopens.values() if n
    )

    again = import_incidents(Bpic2013(), [path], options=options, batch_size=1000)

    assert again.accounted()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7_554)
    assert (again.updates_imported, again.updates_already) == (0, 65_533)
    assert Incident.history.count() == 65_533
    assert IncidentTimelineEntry.objects.filter(data__source="bpic2013").count() == 65_533
