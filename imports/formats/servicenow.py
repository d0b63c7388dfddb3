"""ServiceNow's incident event log (UCI 498, "Incident management process enriched event
log"): one row per update of an incident, 36 columns, ``?`` for empty, day-first times
without a zone. The mapping is ``docs/import.md#servicenow``.

The file holds each incident's rows together, so a case is a run of consecutive rows with
one ``number`` and memory holds one case at a time. The log is "enriched": ``resolved_at``,
``closed_at``, ``closed_code`` and ``resolved_by`` carry the incident's *final* values on
every row, so they are kept as attributes and never replayed as the state of an update.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from imports.formats.base import Case, ReadOptions, Rejected, Update
from imports.formats.reading import Row, Unmappable, csv_rows, parse_time
from incidents.models import HoldReason, Source, Status

COLUMNS = (
    "number",
    "incident_state",
    "active",
    "reassignment_count",
    "reopen_count",
    "sys_mod_count",
    "made_sla",
    "caller_id",
    "opened_by",
    "opened_at",
    "sys_created_by",
    "sys_created_at",
    "sys_updated_by",
    "sys_updated_at",
    "contact_type",
    "location",
    "category",
    "subcategory",
    "u_symptom",
    "cmdb_ci",
    "impact",
    "urgency",
    "priority",
    "assignment_group",
    "assigned_to",
    "knowledge",
    "u_priority_confirmation",
    "notify",
    "problem_id",
    "rfc",
    "vendor",
    "caused_by",
    "closed_code",
    "resolved_by",
    "resolved_at",
    "closed_at",
)

TIME_FORMAT = "%d/%m/%Y %H:%M"
"""Day first, no zero padding needed (``29/2/2016 01:16``), no zone."""

EMPTY = "?"

# incident_state -> (our state, hold reason)
STATES: dict[str, tuple[int, str]] = {
    "New": (Status.NEW, ""),
    "Active": (Status.IN_PROGRESS, ""),
    "Awaiting User Info": (Status.ON_HOLD, HoldReason.AWAITING_CALLER),
    "Awaiting Problem": (Status.ON_HOLD, HoldReason.AWAITING_PROBLEM),
    "Awaiting Vendor": (Status.ON_HOLD, HoldReason.AWAITING_VENDOR),
    "Awaiting Evidence": (Status.ON_HOLD, HoldReason.AWAITING_EVIDENCE),
    "Resolved": (Status.RESOLVED, ""),
    "Closed": (Status.CLOSED, ""),
}

# contact_type -> source. IVR is the phone line's voice menu; "Direct opening" is an
# agent logging the incident straight into the tool, which our desk records as a call
# taken by an agent. Those two, and any other channel (read as a call), keep their
# wording in the attribute ``contact_type``.
SOURCES: dict[str, str] = {
    "Phone": Source.PHONE,
    "Email": Source.EMAIL,
    "Self service": Source.PORTAL,
    "IVR": Source.PHONE,
    "Direct opening": Source.PHONE,
}
LOSSY_SOURCES = frozenset({"IVR", "Direct opening"})

# Columns with no field of ours, kept as the last row recorded them. The enriched
# columns (final resolution and closure) are among them on purpose: they are not the
# state at any update, so they never become milestones.
ATTRIBUTES = (
    "u_symptom",
    "vendor",
    "knowledge",
    "u_priority_confirmation",
    "notify",
    "active",
    "sys_created_by",
    "closed_code",
    "resolved_by",
    "resolved_at",
    "closed_at",
)


class ServiceNow:
    name: ClassVar[str] = "servicenow"
    label: ClassVar[str] = "ServiceNow incident event log (UCI 498)"

    def read(self, paths: Sequence[Path], options: ReadOptions) -> Iterator[Case | Rejected]:
        # Numbers whose run has ended, across the run's files: a case must be one run of
        # rows, since streaming cannot merge a later run into a case already handed on.
        ended: dict[str, int] = {}
        for path in paths:
            run: list[Row] = []
            number = ""
            for row in csv_rows(path, expected=COLUMNS):
                if row.fault:
                    yield Rejected(str(path), row.line, row["number"], row.fault)
                    continue
                if run and row.values["number"] != number:
                    yield from _run(path, run, ended, options.time_zone)
                    run = []
                number = row.values["number"]
                run.append(row)
            if run:
                yield from _run(path, run, ended, options.time_zone)


def _run(
    path: Path, rows: list[Row], ended: dict[str, int], zone: ZoneInfo
) -> Iterator[Case | Rejected]:
    number = rows[0]["number"].strip()
    if not number:
        for row in rows:
            yield Rejected(str(path), row.line, "", "no incident number")
        return
    if number in ended:
        reason = (
            f"{number} recurs after its rows ended at line {ended[number]}: an incident's "
            "rows must be consecutive"
        )
        for row in rows:
            yield Rejected(str(path), row.line, number, reason)
        return
    ended[number] = rows[-1].line
    yield from _case(path, number, rows, zone)


@dataclass(slots=True)
class _Read:
    row: Row
    sequence: int
    at: datetime
    state: int
    hold_reason: str


def _case(path: Path, number: str, rows: list[Row], zone: ZoneInfo) -> Iterator[Case | Rejected]:
    rejected: list[Rejected] = []
    read: list[_Read] = []
    for row in rows:
        try:
            read.append(_read_row(row, zone))
        except Unmappable as error:
            rejected.append(error.rejected(path, row.line, number))
    # Ten rows in five incidents share a sys_mod_count with another row. In each pair the
    # earlier row in the file is the one out of time order (an incident's first row
    # carrying a later count, or a row dated after the next one); the later row fits, so
    # it stays and the earlier is left out. Keeping it instead would drop INC0000135's
    # closing row.
    last_of: dict[int, _Read] = {}
    for item in read:
        last_of[item.sequence] = item
    kept: list[_Read] = []
    for item in read:
        keeper = last_of[item.sequence]
        if keeper is item:
            kept.append(item)
        else:
            reason = f"duplicate sequence {item.sequence} (line {keeper.row.line} has it too)"
            rejected.append(Rejected(str(path), item.row.line, number, reason))
    rejected.sort(key=lambda r: r.line)
    first = rows[0]
    try:
        opened_at = _time(_value(first["opened_at"]), zone)
    except Unmappable as error:
        kept = []
        rejected = [
            Rejected(str(path), row.line, number, f"opened_at: {error.reason}") for row in rows
        ]
    if not kept:
        yield from rejected
        return
    kept.sort(key=lambda item: (item.sequence, item.at))
    last = kept[-1].row
    updates = [
        Update(
            line=item.row.line,
            sequence=item.sequence,
            at=item.at,
            by=_person(item.row.values["sys_updated_by"]),
            state=item.state,
            hold_reason=item.hold_reason,
            fields=_fields(item.row),
        )
        for item in kept
    ]
    updates[0].fields["title"] = _title(number, kept[0].row)
    closing = _closing_update(updates)
    code = _value(last["closed_code"])
    if closing is not None and code:
        closing.fields["resolution_notes"] = f"ServiceNow closed_code (anonymised): {code}"
    attributes = {column: value for column in ATTRIBUTES if (value := _value(last.values[column]))}
    contact = _value(last["contact_type"])
    if contact in LOSSY_SOURCES or (contact and contact not in SOURCES):
        attributes["contact_type"] = contact
    yield Case(
        number=number,
        path=str(path),
        line=first.line,
        opened_at=opened_at,
        opened_by=_person(first["opened_by"]),
        updates=updates,
        registered_at=_registered_at(rows, zone),
        made_sla=_flag(last["made_sla"]),
        problems=_distinct(kept, "problem_id"),
        changes=_distinct(kept, "rfc"),
        caused_by=(_distinct(kept, "caused_by") or ("",))[-1],
        counters=_counters(last),
        attributes=attributes,
        rejected=rejected,
    )


def _read_row(row: Row, zone: ZoneInfo) -> _Read:
    values = row.values
    state_text = values["incident_state"]
    if state_text == "-100":
        raise Unmappable("state -100 (undocumented in the source)")
    if state_text not in STATES:
        raise Unmappable(f"unknown state {state_text!r}")
    try:
        sequence = int(values["sys_mod_count"])
    except ValueError:
        raise Unmappable(f"unreadable sys_mod_count {values['sys_mod_count']!r}") from None
    try:
        at = _time(_value(values["sys_updated_at"]), zone)
    except Unmappable as error:
        raise Unmappable(f"sys_updated_at: {error.reason}") from None
    state, hold_reason = STATES[state_text]
    return _Read(row, sequence, at, state, hold_reason)


# our field -> the column it is read from, as a name (None when empty)
_NAMES = {
    "location": "location",
    "category": "category",
    "subcategory": "subcategory",
    "configuration_item": "cmdb_ci",
    "assignment_group": "assignment_group",
}
_LEVELS = {"impact": "impact", "urgency": "urgency", "priority": "priority"}


def _fields(row: Row) -> dict[str, Any]:
    """The incident's fields as this row recorded them (every row carries all of them)."""
    values = row.values
    fields: dict[str, Any] = {
        "caller": _person(values["caller_id"]) or None,
        "source": SOURCES.get(values["contact_type"], Source.PHONE),
        "assigned_to": _person(values["assigned_to"]) or None,
    }
    for name, column in _NAMES.items():
        fields[name] = _value(values[column]) or None
    for name, column in _LEVELS.items():
        fields[name] = _level(values[column])
    return fields


def _title(number: str, row: Row) -> str:
    """The log has no title or description. A queue needs something to read, so the
    first row's symptom, category and subcategory stand in: "Symptom 72 (Category 55 /
    Subcategory 170)"."""
    symptom = _value(row["u_symptom"])
    where = " / ".join(v for v in (_value(row["category"]), _value(row["subcategory"])) if v)
    if symptom and where:
        return f"{symptom} ({where})"
    return symptom or where or f"ServiceNow incident {number}"


def _closing_update(updates: list[Update]) -> Update | None:
    """The update that last moved the incident into Resolved, or into Closed when it was
    never resolved: where the final resolution code belongs."""
    into_resolved = into_closed = None
    previous = None
    for update in updates:
        if update.state != previous:
            if update.state == Status.RESOLVED:
                into_resolved = update
            elif update.state == Status.CLOSED:
                into_closed = update
        previous = update.state
    return into_resolved or into_closed


def _registered_at(rows: list[Row], zone: ZoneInfo) -> datetime | None:
    for row in rows:
        text = _value(row["sys_created_at"])
        if text:
            try:
                return _time(text, zone)
            except Unmappable:
                return None
    return None


def _counters(row: Row) -> dict[str, int]:
    counters = {}
    for column, name in (("reassignment_count", "reassignments"), ("reopen_count", "reopens")):
        text = _value(row[column])
        if text.isascii() and text.isdigit():
            counters[name] = int(text)
    return counters


def _distinct(kept: list[_Read], column: str) -> tuple[str, ...]:
    """The column's ids over the case, each once, in order of first appearance, spaced
    regularly ("Problem ID  17" is "Problem ID 17")."""
    values = (item.row.values[column] for item in kept)
    return tuple(dict.fromkeys(p for value in values if (p := _person(value))))


@lru_cache(maxsize=65_536)
def _time(text: str, zone: ZoneInfo) -> datetime:
    """``parse_time`` for this log's format, remembered: the log's times are minutes, so
    the same text comes back thousands of times and ``strptime`` is most of the reading."""
    return parse_time(text, TIME_FORMAT, zone)


def _value(text: str) -> str:
    text = text.strip()
    return "" if text == EMPTY else text


@lru_cache(maxsize=65_536)
def _person(text: str) -> str:
    """An anonymised id (a person's, a problem's), its spacing made regular ("Opened by  8"
    is "Opened by 8"): the id is what the record's name is made from."""
    return " ".join(_value(text).split())


@lru_cache(maxsize=64)
def _level(text: str) -> int | None:
    """``"2 - Medium"`` -> 2."""
    head = _value(text).split(" - ", 1)[0]
    return int(head) if head.isascii() and head.isdigit() else None


def _flag(text: str) -> bool | None:
    value = _value(text).lower()
    return {"true": True, "false": False}.get(value)
