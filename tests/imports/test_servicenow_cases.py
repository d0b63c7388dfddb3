"""What the ServiceNow format makes of one incident's rows, on real incidents of the log:
the case-level facts (opened, registered, the final flag and counters, problems and
changes), the enriched final columns kept aside and never replayed, the derived title,
and the rows it cannot map (bad times, a number whose rows recur) left out with their line
while the rest reads."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from imports.formats import FORMATS
from imports.formats.base import Case, ReadOptions, Rejected
from imports.formats.reading import WrongFile
from incidents.models import Source, Status
from tests.imports.servicenow_log import Record, first_cases_where, header, write_slice

UTC = ZoneInfo("UTC")
SOURCES = {
    "Phone": Source.PHONE,
    "Email": Source.EMAIL,
    "Self service": Source.PORTAL,
    "IVR": Source.PHONE,
    "Direct opening": Source.PHONE,
}


def _read(path: Path, zone: ZoneInfo = UTC) -> list[Case | Rejected]:
    return list(FORMATS["servicenow"]().read([path], ReadOptions(time_zone=zone)))


def _at(text: str, zone: ZoneInfo = UTC) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=zone)


def _reopened_with_problem(rows: list[Record]) -> bool:
    return rows[-1]["reopen_count"] != "0" and any(r["problem_id"] != "?" for r in rows)


@pytest.fixture(scope="module")
def picked(data_dir) -> dict[str, list[Record]]:
    found = first_cases_where(
        data_dir,
        reopened=_reopened_with_problem,
        rfc=lambda rows: any(r["rfc"] != "?" for r in rows),
        email=lambda rows: rows[0]["contact_type"] == "Email",
        direct=lambda rows: rows[0]["contact_type"] == "Direct opening",
        unregistered=lambda rows: all(r["sys_created_at"] == "?" for r in rows),
    )
    return {name: [record for _, record in rows] for name, rows in found.items()}


def test_a_case_carries_what_its_rows_say_as_a_whole(data_dir, tmp_path, picked):
    rows = picked["reopened"]
    (case,) = _read(write_slice(tmp_path / "one.csv", header(data_dir), rows))
    assert isinstance(case, Case)
    first, last = rows[0], max(rows, key=lambda r: int(r["sys_mod_count"]))

    assert case.number == first["number"]
    assert (case.path, case.line) == (str(tmp_path / "one.csv"), 2)
    assert case.opened_at == _at(first["opened_at"])
    assert case.opened_by == " ".join(first["opened_by"].split())
    assert case.registered_at == _at(first["sys_created_at"])
    assert case.made_sla is (last["made_sla"] == "true")
    assert case.counters == {
        "reassignments": int(last["reassignment_count"]),
        "reopens": int(last["reopen_count"]),
    }
    assert case.problems == tuple(
        dict.fromkeys(" ".join(r["problem_id"].split()) for r in rows if r["problem_id"] != "?")
    )
    # The title is made up from the first row: the log has none.
    symptom, category, subcategory = first["u_symptom"], first["category"], first["subcategory"]
    assert case.updates[0].fields["title"] == f"{symptom} ({category} / {subcategory})"
    assert all("title" not in u.fields for u in case.updates[1:])
    # The fields every update records, as that row has them.
    for update in case.updates:
        row = rows[update.line - 2]
        assert update.fields["assignment_group"] == (
            None if row["assignment_group"] == "?" else row["assignment_group"]
        )
        assert update.fields["impact"] == int(row["impact"][0])
        assert update.fields["priority"] == int(row["priority"][0])
        assert update.fields["caller"] == " ".join(row["caller_id"].split())
        assert update.fields["source"] == SOURCES[row["contact_type"]]


def test_the_enriched_final_columns_are_attributes_never_updates(data_dir, tmp_path, picked):
    rows = picked["reopened"]
    (case,) = _read(write_slice(tmp_path / "one.csv", header(data_dir), rows))
    assert isinstance(case, Case)
    last = max(rows, key=lambda r: int(r["sys_mod_count"]))
    for column in ("resolved_at", "closed_at", "closed_code", "resolved_by", "u_symptom"):
        assert case.attributes[column] == " ".join(last[column].split())
    # The final closed_code lands on the update that last moved the incident into
    # Resolved; no update before the first move into Resolved carries a resolution.
    states = [u.state for u in case.updates]
    moves_into_resolved = [
        i
        for i, s in enumerate(states)
        if s == Status.RESOLVED and (i == 0 or states[i - 1] != Status.RESOLVED)
    ]
    assert len(moves_into_resolved) >= 2  # it was reopened
    noted = [i for i, u in enumerate(case.updates) if "resolution_notes" in u.fields]
    assert noted == [moves_into_resolved[-1]]
    assert case.updates[noted[0]].fields["resolution_notes"].endswith(last["closed_code"])
    for update in case.updates:
        assert not {"resolved_at", "closed_at", "resolved_by"} & set(update.fields)


def test_changes_sources_and_missing_registration(data_dir, tmp_path, picked):
    records = picked["rfc"] + picked["email"] + picked["direct"] + picked["unregistered"]
    read = _read(write_slice(tmp_path / "four.csv", header(data_dir), records))
    by_number = {case.number: case for case in read if isinstance(case, Case)}
    assert len(by_number) == 4

    rfc = by_number[picked["rfc"][0]["number"]]
    assert rfc.changes == tuple(dict.fromkeys(r["rfc"] for r in picked["rfc"] if r["rfc"] != "?"))
    email = by_number[picked["email"][0]["number"]]
    assert email.updates[0].fields["source"] == Source.EMAIL
    assert "contact_type" not in email.attributes
    # No "direct opening" source of ours: a call logged by an agent, the wording kept.
    direct = by_number[picked["direct"][0]["number"]]
    assert direct.updates[0].fields["source"] == Source.PHONE
    assert direct.attributes["contact_type"] == "Direct opening"
    assert by_number[picked["unregistered"][0]["number"]].registered_at is None


@pytest.mark.parametrize("gz", [False, True])
def test_a_bad_time_rejects_its_row_and_the_rest_imports(data_dir, tmp_path, picked, gz):
    rows = [dict(r) for r in picked["reopened"]]
    rows[1]["sys_updated_at"] = "31/2/2016 10:00"  # no 31 February
    rows[2]["sys_updated_at"] = "2016-03-01 10:00"  # not the log's format
    (case,) = _read(write_slice(tmp_path / "bad.csv.gz", header(data_dir), rows, gz=gz))
    assert isinstance(case, Case)
    assert [(r.line, r.reason) for r in case.rejected] == [
        (3, "sys_updated_at: unparsable time '31/2/2016 10:00' (expected %d/%m/%Y %H:%M)"),
        (4, "sys_updated_at: unparsable time '2016-03-01 10:00' (expected %d/%m/%Y %H:%M)"),
    ]
    assert [u.line for u in case.updates] == [2, *range(5, len(rows) + 2)]


def test_a_local_time_the_zone_skips_is_rejected(data_dir, tmp_path, picked):
    # São Paulo's clocks went from 00:00 to 01:00 on 16 October 2016.
    zone = ZoneInfo("America/Sao_Paulo")
    rows = [dict(r) for r in picked["reopened"]]
    rows[1]["sys_updated_at"] = "16/10/2016 00:30"
    (case,) = _read(write_slice(tmp_path / "gap.csv", header(data_dir), rows), zone)
    assert isinstance(case, Case)
    assert [(r.line, r.reason) for r in case.rejected] == [
        (3, "sys_updated_at: nonexistent local time in America/Sao_Paulo")
    ]
    assert case.opened_at == _at(rows[0]["opened_at"], zone)


def test_an_unreadable_opening_rejects_the_whole_incident(data_dir, tmp_path, picked):
    rows = [dict(r, opened_at="?") for r in picked["email"]]
    read = _read(write_slice(tmp_path / "unopened.csv", header(data_dir), rows))
    assert read == [
        Rejected(str(tmp_path / "unopened.csv"), line, rows[0]["number"], "opened_at: missing time")
        for line in range(2, len(rows) + 2)
    ]


def test_a_number_whose_rows_recur_later_is_rejected_there(data_dir, tmp_path, picked):
    a, b = picked["email"], picked["direct"]
    path = write_slice(tmp_path / "split.csv", header(data_dir), [*a[:1], *b, *a[1:]])
    read = _read(path)
    cases = [item for item in read if isinstance(item, Case)]
    assert [(c.number, len(c.updates)) for c in cases] == [
        (a[0]["number"], 1),
        (b[0]["number"], len(b)),
    ]
    recurring = [item for item in read if isinstance(item, Rejected)]
    first_b_line = 3
    assert [r.line for r in recurring] == list(range(first_b_line + len(b), len(a) + len(b) + 2))
    assert {r.reason for r in recurring} == {
        f"{a[0]['number']} recurs after its rows ended at line 2: an incident's rows must be "
        "consecutive"
    }


def test_a_file_of_another_format_is_refused_whole(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text(
        "SR Number,Change Date+Time,Status\n1-364285768,2010-03-31T15:59:42+01:00,Queued\n"
    )
    with pytest.raises(WrongFile, match="header column 1 is 'SR Number', expected 'number'"):
        _read(path)


def test_a_channel_we_do_not_know_reads_as_a_call_and_keeps_its_wording(data_dir, tmp_path, picked):
    rows = [dict(r, contact_type="Carrier pigeon") for r in picked["email"]]
    (case,) = _read(write_slice(tmp_path / "pigeon.csv", header(data_dir), rows))
    assert isinstance(case, Case)
    assert {u.fields["source"] for u in case.updates} == {Source.PHONE}
    assert case.attributes["contact_type"] == "Carrier pigeon"
