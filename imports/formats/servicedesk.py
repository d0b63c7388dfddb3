"""Our own incident export (``incidents.export``: the admin's "Export CSV" and
``GET /api/v1/incidents/export.csv``) read back: importing an export reproduces the same
incidents on every exported column (docs/import.md#servicedesk).

An export is a snapshot, not a log: one row per incident as it stands. Each row is one
``Case`` with ``snapshot=True``, so the engine keeps its milestones and counters as
written. The updates synthesised for its history and timeline are the ones the row
proves, at the times it gives:

1. ``created`` at ``reported_at`` by the caller (no one when there is none), New, with
   every descriptive field;
2. when it was acknowledged and is not New: In Progress (On Hold with its reason, for an
   incident on hold) at ``acknowledged_at``;
3. resolved or closed with a ``resolved_at``: Resolved at ``resolved_at`` with the
   resolution code and notes;
4. closed or canceled: that state at ``closed_at`` with the close code and notes.

Later updates are by nobody (the export does not say who moved it); a time missing or
earlier than the one before takes the one before, so the history stays in order. People
are usernames of this desk and catalog records are names (found, or created as any
import creates them; a service is found only).
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from imports.formats.base import Case, ReadOptions, Rejected, Update
from imports.formats.reading import ISO, Row, Unmappable, csv_rows, parse_time
from incidents.export import COLUMNS, unescape
from incidents.models import CloseCode, HoldReason, ResolutionCode, Severity, Source, Status
from kernel.enums import Impact, Priority, Urgency

MILESTONES = (
    "impact_started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
)
TEXTS = (
    "title",
    "description",
    "caller",
    "contact",
    "service",
    "category",
    "subcategory",
    "location",
    "configuration_item",
    "assignment_group",
    "assigned_to",
    "priority_override_reason",
)
"""The descriptive fields the first update carries as text (empty: not given)."""
NUMBERS: dict[str, frozenset[int]] = {
    "impact": frozenset(Impact.values),
    "urgency": frozenset(Urgency.values),
    "priority": frozenset(Priority.values),
}
CHOICES: dict[str, frozenset[str]] = {
    "source": frozenset(Source.values),
    "resolution_code": frozenset(ResolutionCode.values),
    "close_code": frozenset(CloseCode.values),
}
RESOLUTION = ("resolution_code", "resolution_notes")
CLOSURE = ("close_code", "close_notes")
FLAGS = {"true": True, "false": False, "": None}


class ServiceDesk:
    name: ClassVar[str] = "servicedesk"
    label: ClassVar[str] = "servicedesk export"

    def read(self, paths: Sequence[Path], options: ReadOptions) -> Iterator[Case | Rejected]:
        for path in paths:
            for row in csv_rows(path, expected=COLUMNS):
                number = unescape(row["number"]).strip()
                if row.fault:
                    yield Rejected(str(path), row.line, number, row.fault)
                    continue
                if not number:
                    yield Rejected(str(path), row.line, "", "no incident number")
                    continue
                try:
                    yield _case(path, number, row, options.time_zone)
                except Unmappable as error:
                    yield error.rejected(path, row.line, number)


def _case(path: Path, number: str, row: Row, zone: ZoneInfo) -> Case:
    value = {name: unescape(row[name]) for name in COLUMNS}
    reported = _time(value, "reported_at", zone)
    if reported is None:
        raise Unmappable("reported_at: missing time")
    milestones = {name: _time(value, name, zone) for name in MILESTONES}
    status = _choice(value, "status", frozenset(Status.values), int)
    hold_reason = value["hold_reason"]
    if status == Status.ON_HOLD and hold_reason not in HoldReason.values:
        raise Unmappable(f"hold_reason: {hold_reason!r} is not one of ours")
    fields: dict[str, Any] = {name: value[name] for name in TEXTS if value[name]}
    for name, allowed in NUMBERS.items():
        fields[name] = _choice(value, name, allowed, int)
    fields["source"] = _choice(value, "source", CHOICES["source"], str)
    if value["severity"]:
        fields["severity"] = _choice(value, "severity", frozenset(Severity.values), int)
    resolution = {name: value[name] for name in RESOLUTION if value[name]}
    closure = {name: value[name] for name in CLOSURE if value[name]}
    for name, given in (*resolution.items(), *closure.items()):
        if name in CHOICES and given not in CHOICES[name]:
            raise Unmappable(f"{name}: {given!r} is not one of ours")
    if value["made_sla"] not in FLAGS:
        raise Unmappable(f"made_sla: {value['made_sla']!r} is not true, false or empty")
    caller = value["caller"]
    updates = [Update(row.line, 1, reported, caller, Status.NEW, fields=fields)]

    def then(state: int, at: datetime | None, more: dict[str, Any], hold: str = "") -> None:
        previous = updates[-1].at
        when = previous if at is None or at < previous else at
        updates.append(Update(row.line, len(updates) + 1, when, "", state, hold, more))

    acknowledged = milestones["acknowledged_at"]
    if status in (Status.IN_PROGRESS, Status.ON_HOLD):
        then(status, acknowledged, {}, hold_reason if status == Status.ON_HOLD else "")
    elif status != Status.NEW:
        if acknowledged is not None:
            then(Status.IN_PROGRESS, acknowledged, {})
        resolved = milestones["resolved_at"]
        if status == Status.RESOLVED or (status == Status.CLOSED and resolved is not None):
            then(Status.RESOLVED, resolved, resolution)
            resolution = {}
        if status in (Status.CLOSED, Status.CANCELED):
            then(status, milestones["closed_at"], {**resolution, **closure})
    return Case(
        number=number,
        path=str(path),
        line=row.line,
        opened_at=reported,
        opened_by=caller,
        updates=updates,
        made_sla=FLAGS[value["made_sla"]],
        counters={
            "reassignments": _count(value, "reassignment_count"),
            "reopens": _count(value, "reopen_count"),
        },
        snapshot=True,
        milestones=milestones,
    )


def _time(value: dict[str, str], name: str, zone: ZoneInfo) -> datetime | None:
    if not value[name]:
        return None
    try:
        return parse_time(value[name], ISO, zone)
    except Unmappable as error:
        raise Unmappable(f"{name}: {error.reason}") from None


def _choice[V: (int, str)](
    value: dict[str, str], name: str, allowed: frozenset[V], kind: type[V]
) -> V:
    text = value[name]
    try:
        parsed = kind(text)
    except ValueError:
        parsed = None
    if parsed is None or parsed not in allowed:
        raise Unmappable(f"{name}: {text!r} is not one of ours")
    return parsed


def _count(value: dict[str, str], name: str) -> int:
    text = value[name]
    # isdigit() alone would pass "²", which int() refuses.
    if not (text.isascii() and text.isdigit()):
        raise Unmappable(f"{name}: {text!r} is not a count")
    return int(text)
