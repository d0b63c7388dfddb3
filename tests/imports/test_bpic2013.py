"""imports.formats.bpic2013 on slices of the real VINST log: statuses to our states and
hold reasons, owners to people, a case's rows in its own order, bad rows rejected with
their lines while the rest of the case imports, another file refused."""

import csv
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from imports.formats.base import Case, ReadOptions, Rejected
from imports.formats.bpic2013 import COLUMNS, Bpic2013
from imports.formats.reading import WrongFile
from incidents.models import HoldReason, Status
from kernel.enums import Impact, Urgency

UTC = ReadOptions(time_zone=ZoneInfo("UTC"))
N, P, H, R, C, X = (
    Status.NEW,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.RESOLVED,
    Status.CLOSED,
    Status.CANCELED,
)


def _slice(data_dir: Path, tmp_path: Path, numbers: set[str], extra: list[list[str]] = ()) -> Path:
    """The real file's rows of these cases, in the file's order, then ``extra`` rows."""
    out = tmp_path / "slice.csv"
    with (data_dir / "bpic2013_incidents.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(rows[0])
        writer.writerows(row for row in rows[1:] if row[0] in numbers)
        writer.writerows(extra)
    return out


def _read(path: Path) -> dict[str, Case | list[Rejected]]:
    out: dict[str, Case | list[Rejected]] = {}
    for item in Bpic2013().read([path], UTC):
        if isinstance(item, Case):
            out[item.number] = item
        else:
            out.setdefault(item.number, []).append(item)  # type: ignore[union-attr]
    return out


def test_statuses_become_our_states_and_hold_reasons(data_dir, tmp_path):
    cases = _read(_slice(data_dir, tmp_path, {"1-693300691", "1-734873980", "1-737379684"}))
    waits = cases["1-693300691"]
    assert [u.state for u in waits.updates] == [P, P, N, P, H, P, H, N, P, R, C]
    # Plain "Wait" names no reason: awaiting the caller, by far the commonest wait.
    assert [u.hold_reason for u in waits.updates if u.state == H] == [
        HoldReason.AWAITING_CALLER,
        HoldReason.AWAITING_VENDOR,
    ]
    assert [u.note for u in waits.updates][4:7] == ["Wait", "In Progress", "Wait - Vendor"]
    # "Unmatched" always follows a resolution the caller did not accept: work resumes.
    unmatched = cases["1-734873980"]
    assert [u.state for u in unmatched.updates] == [P, P, R, P, P, R, C]
    # "In Call" is solved in the call, and VINST closes nothing after it: Closed.
    in_call = cases["1-737379684"]
    assert [u.state for u in in_call.updates] == [P, P, H, P, C, P, X]


def test_a_case_keeps_its_rows_order_people_and_fields(data_dir, tmp_path):
    case = _read(_slice(data_dir, tmp_path, {"1-693300691"}))["1-693300691"]
    assert isinstance(case, Case)
    assert (case.line, case.opened_by, str(case.opened_at)) == (
        2,
        "Eric (France)",
        "2012-03-05 15:50:01+01:00",
    )
    assert [u.sequence for u in case.updates] == list(range(1, 12))
    assert [u.line for u in case.updates] == list(range(2, 13))
    first, closing = case.updates[0], case.updates[-1]
    assert first.fields == {
        "title": "PROD612 (fr)",
        "impact": Impact.HIGH,
        "urgency": Urgency.MEDIUM,
        "configuration_item": "PROD612",
        "location": "fr",
        "assignment_group": "P1",
        "assigned_to": "Eric (France)",
    }
    assert "priority" not in first.fields  # VINST records none: the matrix gives it
    assert case.updates[3].by == "Sami (France)"
    # Siebel (no country) closes the case: it does the update, nobody is assigned it.
    assert closing.by == "Siebel"
    assert "assigned_to" not in closing.fields
    # The team's place in Volvo's organisation as of the last row.
    assert case.attributes == {
        "SR Latest Impact": "High",
        "Involved ST Function Div": "",
        "Involved Org line 3": "Org line V10",
    }


def test_a_country_not_recorded_sets_no_location(data_dir, tmp_path):
    case = _read(_slice(data_dir, tmp_path, {"1-738540584"}))["1-738540584"]
    assert [u.by for u in case.updates] == ["Partner", "Jacek (POLAND)", "Jacek (POLAND)"]
    assert "location" not in case.updates[0].fields
    assert case.updates[0].fields["title"] == "PROD558"
    assert "assigned_to" not in case.updates[0].fields


def test_major_impact_is_high_impact_and_high_urgency(data_dir, tmp_path):
    case = _read(_slice(data_dir, tmp_path, {"1-736499271"}))["1-736499271"]
    assert {(u.fields["impact"], u.fields["urgency"]) for u in case.updates} == {
        (Impact.HIGH, Urgency.HIGH)
    }


def test_bad_rows_are_rejected_with_their_lines_and_the_rest_imports(data_dir, tmp_path):
    good = ["1-730644761", "2012-05-03T09:00:00+01:00", "Accepted", "In Progress", "",
            "Org line A2", "G303 2nd", "Low", "PROD822", "be", "Belgium", "Guy"]  # fmt: skip
    extra = [
        [*good[:2], "Accepted", "Snoozing", *good[4:]],
        [good[0], "3 May 2012", *good[2:]],
        good[:5],
        [*good[:7], "Colossal", *good[8:]],
        [*good[:1], "2012-05-04T09:00:00+01:00", *good[2:]],
    ]
    path = _slice(data_dir, tmp_path, {"1-730644761"}, extra)
    case = _read(path)["1-730644761"]
    assert [(r.line, r.reason) for r in case.rejected] == [
        (5, "unknown status 'Accepted' / 'Snoozing'"),
        (6, "unparsable time '3 May 2012' (expected ISO 8601)"),
        (7, "5 fields where the header has 12"),
        (8, "unknown impact 'Colossal'"),
    ]
    assert {r.path for r in case.rejected} == {str(path)}
    # The rejected rows keep their places: the rows around them keep their sequence.
    assert [(u.line, u.sequence) for u in case.updates] == [(2, 1), (3, 2), (4, 3), (9, 8)]


def test_a_case_with_no_row_left_is_its_rejected_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        ",".join(COLUMNS) + "\n1-1,never,Queued,Awaiting Assignment,,L,T,Low,P,se,Sweden,Eva\n"
    )
    assert _read(path) == {
        "1-1": [Rejected(str(path), 2, "1-1", "unparsable time 'never' (expected ISO 8601)")]
    }


def test_ibms_verbatim_file_is_refused_by_its_header(data_dir):
    refused = r"header column 5 is 'Activity', expected 'Involved ST Function Div' — .* not IBM's"
    with pytest.raises(WrongFile, match=refused):
        next(Bpic2013().read([data_dir / "bpic2013_incidents_ibm_verbatim.csv.gz"], UTC))
