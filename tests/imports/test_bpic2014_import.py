"""The BPIC 2014 sample (Rabobank, 4,000 incidents, 39,911 activities) through the engine:
every row accounted for, final states and the source's own counters as docs/import.md's
tables say, computed here from the CSVs with nothing of the product's, and a second run
changes nothing."""

import csv
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest

from imports.engine import import_incidents
from imports.formats.base import ReadOptions
from imports.formats.bpic2014 import Bpic2014
from incidents.models import Incident, IncidentTimelineEntry

# docs/import.md, "## BPIC 2014", written out again by hand.
STATE_SETTERS = {"Open": "New", "Closed": "Closed", "Resolved": "Resolved", "Reopen": "reopen",
                 "Pending vendor": "On Hold"}  # fmt: skip
WORK = {"Status Change", "Operator Update", "Update", "Analysis/Research",
        "Communication with customer", "Mail to Customer", "Problem Workaround"}  # fmt: skip
FINISHED = {"Resolved", "Closed"}
FIVE_TO_THREE = {"1": 1, "2": 1, "3": 2, "4": 3, "5": 3}
ITIL = {(1, 1): 1, (1, 2): 2, (1, 3): 3, (2, 1): 2, (2, 2): 3, (2, 3): 4,
        (3, 1): 3, (3, 2): 4, (3, 3): 5}  # fmt: skip


def _walk(activities):
    """The final state, reopens and reassignments of one incident's activities, in order:
    a reassignment is an Assignment or Reassignment naming another group than the one set."""
    state, reopens, group, reassignments = "New", 0, "", 0
    for kind, team in activities:
        if kind in {"Assignment", "Reassignment"}:
            reassignments += bool(group) and team != group
            group = team
        target = STATE_SETTERS.get(kind)
        if target == "reopen":
            if state in FINISHED:
                state, reopens = "In Progress", reopens + 1
        elif target == "Closed":
            state = "Closed"
        elif target == "Resolved":
            state = state if state == "Closed" else "Resolved"
        elif target in {"New", "On Hold"}:
            state = state if state in FINISHED else target
        elif kind in WORK and state in {"New", "On Hold"}:
            state = "In Progress"
    return state, reopens, reassignments


def _from_csv(data_dir):
    with (data_dir / "bpic2014_sample_incidents.csv").open(encoding="utf-8", newline="") as f:
        incidents = {row["Incident ID"]: row for row in csv.DictReader(f)}
    with (data_dir / "bpic2014_sample_incident_activity.csv").open(
        encoding="utf-8", newline=""
    ) as f:
        activities = list(csv.DictReader(f))
    by_incident = defaultdict(list)
    for row in activities:
        by_incident[row["Incident ID"]].append(row)
    walked = {
        number: _walk(
            (row["IncidentActivity_Type"], row["Assignment Group"])
            for row in sorted(rows, key=lambda r: (r["DateStamp"], r["IncidentActivity_Number"]))
        )
        for number, rows in by_incident.items()
    }
    return incidents, activities, walked


@pytest.mark.django_db
def test_the_whole_sample_imports_once_and_agrees_with_the_csv(data_dir):
    incidents, activities, walked = _from_csv(data_dir)
    assert (len(incidents), len(activities), len(walked)) == (4_000, 39_911, 4_000)
    paths = [
        data_dir / "bpic2014_sample_incidents.csv",
        data_dir / "bpic2014_sample_incident_activity.csv",
    ]
    options = ReadOptions(time_zone=ZoneInfo("Europe/Amsterdam"))

    summary = import_incidents(Bpic2014(), paths, options=options, batch_size=1000)

    assert summary.accounted()
    assert (summary.rows, summary.cases, summary.created) == (39_911, 4_000, 4_000)
    assert summary.updates_imported == 39_911
    # No time in the sample falls in a skipped hour, and every activity type is mapped.
    assert summary.rejected_by_reason() == Counter()
    assert Incident.history.count() == 39_911
    assert IncidentTimelineEntry.objects.filter(data__source="bpic2014").count() == 39_911

    expected = Counter(state for state, _, _ in walked.values())
    assert expected == {"Closed": 3_962, "On Hold": 31, "In Progress": 7}
    ours = Counter(incident.get_status_display() for incident in Incident.objects.only("status"))
    assert ours == expected

    recorded = Counter(row["Priority"] for row in incidents.values())
    assert Counter(str(p) for p in Incident.objects.values_list("priority", flat=True)) == recorded
    disagreeing = Counter(
        (FIVE_TO_THREE[row["Impact"]], FIVE_TO_THREE[row["Urgency"]])
        for row in incidents.values()
        if ITIL[FIVE_TO_THREE[row["Impact"]], FIVE_TO_THREE[row["Urgency"]]] != int(row["Priority"])
    )
    assert summary.priority_disagreements == dict(disagreeing)
    assert sum(disagreeing.values()) == 2_007

    reopens = {number: n for number, (_, n, _) in walked.items()}
    assert dict(Incident.objects.values_list("number", "reopen_count")) == reopens
    # The source keeps the last reopen's time only: "reopened at least once".
    reopen_mismatches = {
        number
        for number, row in incidents.items()
        if (1 if row["Reopen Time"] else 0) != reopens[number]
    }
    reassignment_mismatches = {
        number
        for number, row in incidents.items()
        if int(row["# Reassignments"]) != walked[number][2]
    }
    mismatched = Counter(counter for _, counter, _, _ in summary.counter_mismatches)
    assert mismatched == {"reopens": 37, "reassignments": 1_040}
    assert {n for n, c, _, _ in summary.counter_mismatches if c == "reopens"} == reopen_mismatches
    assert {
        n for n, c, _, _ in summary.counter_mismatches if c == "reassignments"
    } == reassignment_mismatches

    again = import_incidents(Bpic2014(), paths, options=options, batch_size=1000)

    assert again.accounted()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4_000)
    assert (again.updates_imported, again.updates_already) == (0, 39_911)
    assert Incident.history.count() == 39_911
