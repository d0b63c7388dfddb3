"""imports.formats.bpic2014 on slices of the real Rabobank sample: the two files told apart
by header and joined on Incident ID however the activity file is split, activities to
states in time order, the incident row's values to ours, bad rows rejected with their
lines."""

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from imports.formats.base import Case, ReadOptions, Rejected
from imports.formats.bpic2014 import ACTIVITY_COLUMNS, INCIDENT_COLUMNS, Bpic2014
from imports.formats.reading import WrongFile
from incidents.models import HoldReason, ResolutionCode, Status
from kernel.enums import Impact, Priority, Urgency

AMSTERDAM = ReadOptions(time_zone=ZoneInfo("Europe/Amsterdam"))
N, P, H, R, C = Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED
INCIDENTS, ACTIVITIES = "bpic2014_sample_incidents.csv", "bpic2014_sample_incident_activity.csv"


def _slice(source: Path, out: Path, numbers: set[str], extra: list[list[str]] = ()) -> Path:
    """The real file's rows of these incidents, in the file's order, then ``extra``."""
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    key = rows[0].index("Incident ID")
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(rows[0])
        writer.writerows(row for row in rows[1:] if row[key] in numbers)
        writer.writerows(extra)
    return out


def _files(data_dir, tmp_path, numbers, *, incidents=(), activities=()) -> tuple[Path, Path]:
    return (
        _slice(data_dir / INCIDENTS, tmp_path / "incidents.csv", numbers, list(incidents)),
        _slice(data_dir / ACTIVITIES, tmp_path / "activities.csv", numbers, list(activities)),
    )


def _read(paths) -> tuple[dict[str, Case], list[Rejected]]:
    cases, rejected = {}, []
    for item in Bpic2014().read(paths, AMSTERDAM):
        if isinstance(item, Case):
            cases[item.number] = item
            rejected.extend(item.rejected)
        else:
            rejected.append(item)
    return cases, rejected


def test_activities_become_states_in_time_order(data_dir, tmp_path):
    incidents, activities = _files(data_dir, tmp_path, {"IM0000048"})
    case = _read([incidents, activities])[0]["IM0000048"]
    assert [(u.note, u.state) for u in case.updates] == [
        ("Open", N),
        ("Assignment", N),  # routing to a team is not picking it up
        ("Status Change", P),
        ("Operator Update", P),
        ("External Vendor Assignment", P),
        ("Vendor Reference", P),
        ("Operator Update", P),
        ("Operator Update", P),
        ("Closed", C),
        ("Caused By CI", C),  # after the close, notes leave it closed
        ("Assignment", C),
        ("Reopen", P),
        ("Update", P),
        ("Update", P),
        ("Closed", C),
    ]
    assert [u.sequence for u in case.updates] == list(range(1, 16))
    assert case.updates[0].at == datetime(2013, 2, 6, 12, 7, 45, tzinfo=UTC)  # CET
    assert case.updates[11].at == datetime(2013, 10, 17, 10, 22, 44, tzinfo=UTC)  # CEST
    assert {u.by for u in case.updates} == {""}  # the activity file names nobody


def test_the_incident_row_gives_the_first_update_its_fields(data_dir, tmp_path):
    incidents, activities = _files(data_dir, tmp_path, {"IM0000048"})
    case = _read([incidents, activities])[0]["IM0000048"]
    assert case.updates[0].fields == {
        "impact": Impact.LOW,
        "urgency": Urgency.LOW,
        "priority": Priority.PLANNING,
        "title": "SBA000662 (Server Based Application)",
        "configuration_item": "SBA000662",
        "category": "request for information",
    }
    assert [
        u.fields.get("assignment_group") for u in case.updates if u.fields.get("assignment_group")
    ] == [
        "TEAM9999",
        "TEAM0013",
    ]
    # "No error - works as designed", on the final close only.
    assert [u.fields.get("resolution_code") for u in case.updates if u.note == "Closed"] == [
        None,
        ResolutionCode.USER_ERROR,
    ]
    assert case.opened_at == datetime(2013, 2, 6, 13, 7, 43, tzinfo=UTC)
    assert case.opened_by == ""
    assert case.counters == {"reassignments": 0, "reopens": 1}
    assert case.changes == ()
    assert case.attributes["Impact"] == "5"  # the recorded five-level values stay
    assert case.attributes["CI Type (aff)"] == "application"
    assert case.attributes["Closure Code"] == "No error - works as designed"
    assert case.attributes["CI Name (CBy)"] == "WSR000394"
    assert "CI Name (aff)" not in case.attributes


def test_an_incident_split_over_the_activity_files_runs_is_one_case(data_dir, tmp_path):
    # IM0000074's last four activities sit 22,000 lines after the others.
    incidents, activities = _files(data_dir, tmp_path, {"IM0000048", "IM0000074", "IM0010554"})
    cases, rejected = _read([activities, incidents])  # either order
    assert rejected == []
    assert list(cases) == ["IM0000048", "IM0000074", "IM0010554"]
    split = cases["IM0000074"]
    assert len(split.updates) == 91
    assert [u.note for u in split.updates[-5:]] == [
        "Caused By CI",
        "Reassignment",
        "Assignment",
        "Reopen",
        "Closed",
    ]
    assert split.updates[-1].state == C
    assert [u.at for u in split.updates] == sorted(u.at for u in split.updates)
    assert split.counters == {"reassignments": 15, "reopens": 1}
    # The log has no close for IM0010554: it stays where its activities leave it.
    pending = cases["IM0010554"]
    assert [(u.note, u.state, u.hold_reason) for u in pending.updates] == [
        ("Open", N, ""),
        ("Status Change", P, ""),
        ("Pending vendor", H, HoldReason.AWAITING_VENDOR),
        ("External Vendor Assignment", H, HoldReason.AWAITING_VENDOR),
    ]


def test_bad_rows_are_rejected_with_their_lines(data_dir, tmp_path):
    bad_activities = [
        ["IM0000048", "2013-03-31 02:30:00", "001A9", "Update", "TEAM0013", "KM0000524", ""],
        ["IM0000048", "2013-10-17 15:00:00", "001A8", "Teleport", "TEAM0013", "KM0000524", ""],
        ["IM0000048", "yesterday"],
        ["IM9999999", "2013-10-17 15:00:00", "001A7", "Update", "TEAM0013", "KM0000524", ""],
    ]
    orphan = ["X"] * 4 + ["IM9999998", "Closed", "4", "4", "4"] + [""] * 19
    incidents, activities = _files(
        data_dir, tmp_path, {"IM0000048"}, incidents=[orphan], activities=bad_activities
    )
    cases, rejected = _read([incidents, activities])
    assert [(Path(r.path).name, r.line, r.number, r.reason) for r in rejected] == [
        ("activities.csv", 17, "IM0000048", "nonexistent local time in Europe/Amsterdam"),
        ("activities.csv", 18, "IM0000048", "unknown activity type 'Teleport'"),
        ("activities.csv", 19, "IM0000048", "2 fields where the header has 7"),
        ("incidents.csv", 3, "IM9999998", "incident without activities"),
        ("activities.csv", 20, "IM9999999", "incident not in incidents.csv"),
    ]
    assert len(cases["IM0000048"].updates) == 15  # the rest of the case imports


def test_an_unreadable_incident_row_rejects_its_activities(data_dir, tmp_path):
    incidents, activities = _files(data_dir, tmp_path, {"IM0000048"})
    text = incidents.read_text().replace("2013-02-06 14:07:43", "6 Feb 2013")
    incidents.write_text(text)
    cases, rejected = _read([incidents, activities])
    assert cases == {}
    assert (
        rejected[0].reason == "Open Time: unparsable time '6 Feb 2013' (expected %Y-%m-%d %H:%M:%S)"
    )
    assert {r.reason for r in rejected[1:]} == {"its incident row (2) is rejected"}
    assert len(rejected) == 1 + 15


def test_a_reassignment_count_that_is_no_number_is_not_compared(data_dir, tmp_path):
    incidents, activities = _files(data_dir, tmp_path, {"IM0000048"})
    with incidents.open(newline="") as text:
        rows = list(csv.DictReader(text))
    rows[0]["# Reassignments"] = "²"  # a digit to str.isdigit, not to int()
    with incidents.open("w", newline="") as text:
        writer = csv.DictWriter(text, fieldnames=INCIDENT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    cases, rejected = _read([incidents, activities])
    assert rejected == []
    assert "reassignments" not in cases["IM0000048"].counters
    assert cases["IM0000048"].counters["reopens"] in (0, 1)


def test_files_it_does_not_read_are_refused(data_dir, tmp_path):
    incidents, activities = _files(data_dir, tmp_path, {"IM0000048"})
    with pytest.raises(
        WrongFile, match="one incident file and one activity file; given 2 incident"
    ):
        next(Bpic2014().read([incidents, incidents], AMSTERDAM))
    with pytest.raises(WrongFile, match="given 0 incident and 1 activity"):
        next(Bpic2014().read([activities], AMSTERDAM))
    with pytest.raises(WrongFile, match="neither BPIC 2014's incident file nor its activity file"):
        next(Bpic2014().read([incidents, data_dir / "bpic2013_incidents.csv"], AMSTERDAM))
    assert len(INCIDENT_COLUMNS) == 28
    assert len(ACTIVITY_COLUMNS) == 7


def test_the_resolution_code_goes_with_the_close_not_a_note_after_it(data_dir, tmp_path):
    # IM0000013 ends Closed, then "Caused By CI" in the same second; Closure Code "Other".
    incidents, activities = _files(data_dir, tmp_path, {"IM0000013"})
    case = _read([incidents, activities])[0]["IM0000013"]
    assert [(u.note, u.state, u.fields.get("resolution_code")) for u in case.updates[-2:]] == [
        ("Closed", C, ResolutionCode.SOLUTION_PROVIDED),
        ("Caused By CI", C, None),
    ]
    # Its log starts after it was opened: the first activity is not "Open".
    assert (case.updates[0].note, case.updates[0].state) == ("Update from customer", N)
    assert case.opened_at < case.updates[0].at
