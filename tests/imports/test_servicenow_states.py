"""The ServiceNow format maps each row's state (and, on hold, why) to ours, and keeps each
update's time and user: checked on real incidents of the log, one per source state."""

from datetime import datetime
from zoneinfo import ZoneInfo

from imports.formats import FORMATS
from imports.formats.base import Case, ReadOptions
from incidents.models import HoldReason, Status
from tests.imports.servicenow_log import first_cases_where, header, write_slice

# docs/import.md#servicenow, written out again: the format must agree with the table.
TABLE = {
    "New": (Status.NEW, ""),
    "Active": (Status.IN_PROGRESS, ""),
    "Awaiting User Info": (Status.ON_HOLD, HoldReason.AWAITING_CALLER),
    "Awaiting Problem": (Status.ON_HOLD, HoldReason.AWAITING_PROBLEM),
    "Awaiting Vendor": (Status.ON_HOLD, HoldReason.AWAITING_VENDOR),
    "Awaiting Evidence": (Status.ON_HOLD, HoldReason.AWAITING_EVIDENCE),
    "Resolved": (Status.RESOLVED, ""),
    "Closed": (Status.CLOSED, ""),
}
ZONE = ZoneInfo("Europe/Lisbon")


def _having(state: str):
    return lambda rows: any(row["incident_state"] == state for row in rows)


def test_every_source_state_maps_to_ours_with_the_hold_reason(data_dir, tmp_path):
    found = first_cases_where(data_dir, **{state: _having(state) for state in TABLE})
    picked = {rows[0][1]["number"]: rows for rows in found.values()}
    records = [record for rows in picked.values() for _, record in rows]
    path = write_slice(tmp_path / "slice.csv", header(data_dir), records)
    line_of = {id(record): line for line, record in enumerate(records, start=2)}

    read = list(FORMATS["servicenow"]().read([path], ReadOptions(time_zone=ZONE)))

    assert [case.number for case in read if isinstance(case, Case)] == list(picked)
    seen: set[str] = set()
    for case in read:
        assert isinstance(case, Case)
        assert case.rejected == []
        expected = sorted(
            (record for _, record in picked[case.number]),
            key=lambda r: (int(r["sys_mod_count"]), _at(r["sys_updated_at"])),
        )
        assert [(u.state, u.hold_reason) for u in case.updates] == [
            TABLE[r["incident_state"]] for r in expected
        ]
        # Each update at its own time, in the zone the run names, by its own user.
        assert [(u.at, u.by) for u in case.updates] == [
            (_at(r["sys_updated_at"]), " ".join(r["sys_updated_by"].split())) for r in expected
        ]
        assert [u.sequence for u in case.updates] == [int(r["sys_mod_count"]) for r in expected]
        assert [u.line for u in case.updates] == [line_of[id(r)] for r in expected]
        seen.update(r["incident_state"] for r in expected)
    assert seen == set(TABLE)


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=ZONE)
