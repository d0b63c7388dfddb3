"""The replay: a source case's updates become the incident's history rows and timeline
entries, at their own times and by their own people, and its final fields, milestones and
counters, worked out as our workflow would have stamped them (docs/import.md, "Replay").

Pure Python over plain values: the engine resolves names to ids first (``Lookups``) and
writes what this returns in bulk."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from operator import itemgetter
from typing import Any

from imports.formats.base import Case, Update
from imports.lookups import Lookups
from incidents.models import Incident, Status
from kernel.editing import is_reassignment
from kernel.enums import Priority, TimelineKind
from kernel.priority import DEFAULT_MATRIX

REFERENCES = {
    "caller": "caller_id",
    "assigned_to": "assigned_to_id",
    "assignment_group": "assignment_group_id",
    "category": "category_id",
    "subcategory": "subcategory_id",
    "location": "location_id",
    "configuration_item": "configuration_item_id",
    "service": "service_id",
}
ASSIGNMENT = ("assignment_group_id", "assigned_to_id")
OPEN = frozenset({Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD})
REOPENABLE = frozenset({Status.RESOLVED, Status.CLOSED})
FINISHED = frozenset({Status.CLOSED, Status.CANCELED})
# Not a change the timeline lists: the replay itself sets them on every update.
NOT_LISTED = frozenset(
    {"id", "updated_at", "status", "hold_reason", "acknowledged_at", "resolved_at", "closed_at",
     "reopen_count", "reassignment_count", "priority_override_reason", "made_sla"}
)  # fmt: skip
TIMELINE_COLUMNS = ("ticket_id", "kind", "verb", "body", "data", "author_id", "created_at")
HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user_id")
LENGTHS = {"title": 200, "contact": 200}


@cache
def incident_columns() -> tuple[str, ...]:
    return tuple(str(f.column) for f in Incident._meta.concrete_fields)


@cache
def history_columns() -> tuple[str, ...]:
    # ``history_id`` is left to its sequence: nothing points at a history row.
    return (*incident_columns(), *HISTORY_EXTRA)


@cache
def _values() -> "itemgetter[Any]":
    """The incident's columns out of a row dict, in order, in one C call."""
    return itemgetter(*incident_columns())


@cache
def _listed() -> tuple[tuple[str, str], ...]:
    """(field name, column) of the fields an update's timeline entry lists when changed."""
    return tuple(
        (f.name, f.attname) for f in Incident._meta.concrete_fields if f.attname not in NOT_LISTED
    )


@cache
def _positions() -> dict[str, tuple[int, str]]:
    """Column -> (its place among the listed fields, field name): ``_listed`` by column."""
    return {column: (i, name) for i, (name, column) in enumerate(_listed())}


_NOTHING = object()


@cache
def _defaults() -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in Incident._meta.concrete_fields:
        if f.has_default():
            row[f.attname] = f.get_default()
        elif f.null:
            row[f.attname] = None
        else:
            row[f.attname] = ""
    return row


def move_verb(old: int, new: int) -> str:
    """The move a change of state stands for (common.md's replay rules), or ``updated``."""
    if new == Status.CLOSED:
        return "close"
    if new == Status.CANCELED:
        return "cancel"
    if new == Status.RESOLVED:
        return "resolve"
    if old in REOPENABLE and new in OPEN:
        return "reopen"
    if new == Status.ON_HOLD:
        return "hold"
    if old == Status.ON_HOLD and new == Status.IN_PROGRESS:
        return "resume"
    if old == Status.NEW and new == Status.IN_PROGRESS:
        return "acknowledge"
    return "updated"


@dataclass
class Replayed:
    row: dict[str, Any]
    """The incident as its last update left it, by column."""
    history: list[tuple[Any, ...]] = field(default_factory=list)
    timeline: list[tuple[Any, ...]] = field(default_factory=list)
    disagreements: set[tuple[int, int]] = field(default_factory=set)
    """(impact, urgency) pairs whose recorded priority the matrix does not give."""


def new_row(case: Case, incident_id: int, label: str) -> dict[str, Any]:
    row = dict(_defaults())
    row.update(
        id=incident_id,
        number=case.number,
        title=f"{label} incident {case.number}"[:200],
        reported_at=case.opened_at,
        created_at=case.registered_at or case.opened_at,
        updated_at=case.opened_at,
        status=Status.NEW,
    )
    return row


def replay(
    case: Case,
    updates: Sequence[Update],
    *,
    start: dict[str, Any],
    first: bool,
    source: str,
    lookups: Lookups,
    matrix: Mapping[tuple[int, int], int],
    recorded_priority: bool = False,
) -> Replayed:
    """Apply ``updates`` to ``start`` (a new incident's blank row when ``first``, else the
    incident as an earlier run left it)."""
    state = dict(start)
    done = Replayed(state)
    category = lookups.category_names.get(state.get("category_id") or 0)
    # A snapshot of our own desk records the override reason: kept as given, not "imported".
    reason_given: str | None = None
    last = len(updates) - 1
    defaults, position, values = _defaults(), _positions(), _values()
    milestones = tuple(case.milestones) if case.snapshot else ()
    # The source value each reference was last resolved from (and the category it was
    # resolved under): a log repeats most values row after row, and the id in ``state``
    # is already the one they stand for.
    resolved: dict[str, tuple[Any, str | None]] = {}
    for index, update in enumerate(updates):
        # Only the columns this update can change are compared afterwards: the fields it
        # carries, the priority the matrix derives, and (a snapshot's last update) the
        # milestones. A copy of the whole row per update cost more than the rest.
        fields = update.fields
        before: dict[str, Any] = {REFERENCES.get(name, name): None for name in fields}
        before["priority"] = None
        if index == last:
            before.update(dict.fromkeys(milestones))
        for column in before:
            before[column] = state[column]
        old_status, old_hold = state["status"], state["hold_reason"]
        for name, value in fields.items():
            if name in REFERENCES:
                if name == "category":
                    category = str(value) if value not in (None, "") else None
                if resolved.get(name, _NOTHING) != (value, category):
                    state[REFERENCES[name]] = lookups.reference(name, value, category)
                    resolved[name] = (value, category)
            elif value is None:
                state[name] = defaults[name]
            else:
                state[name] = value[: LENGTHS[name]] if name in LENGTHS else value
        if "priority" in fields and fields["priority"] is not None:
            recorded_priority = True
        if "priority_override_reason" in fields:
            reason_given = str(fields["priority_override_reason"] or "")
        pair = (state["impact"], state["urgency"])
        derived = matrix.get(pair, DEFAULT_MATRIX.get(pair, Priority.PLANNING))
        if not recorded_priority:
            state["priority"] = derived
        if state["priority"] != derived:
            done.disagreements.add(pair)
        if reason_given is not None:
            state["priority_override_reason"] = reason_given
        elif state["priority"] != derived:
            state["priority_override_reason"] = "imported"
        else:
            state["priority_override_reason"] = ""
        old, new = (None if first and index == 0 else old_status), update.state
        state["status"] = new
        state["hold_reason"] = update.hold_reason if new == Status.ON_HOLD else ""
        moved = old != new
        if new != Status.NEW and state["acknowledged_at"] is None:
            state["acknowledged_at"] = update.at
        if moved and new == Status.RESOLVED:
            state["resolved_at"] = update.at
        if moved and new in FINISHED:
            state["closed_at"] = update.at
        if moved and old in REOPENABLE and new in OPEN:
            state["reopen_count"] += 1
            state["resolved_at"] = state["closed_at"] = None
        reassigned = any(state[c] != before[c] for c in ASSIGNMENT if c in before)
        group = "assignment_group_id"
        if old is not None and group in before and is_reassignment(before[group], state[group]):
            state["reassignment_count"] += 1
        state["updated_at"] = update.at
        if index == last:
            _finish(case, state)
        data: dict[str, Any] = {"source": source, "line": update.line, "sequence": update.sequence}
        if old is None:
            verb = "created"
            data.update(priority=state["priority"], to=new)
        elif moved:
            verb = move_verb(old, new)
            data.update({"from": old, "to": new})
        else:
            verb = "assigned" if reassigned else "updated"
        if state["hold_reason"] and state["hold_reason"] != old_hold:
            data["hold_reason"] = state["hold_reason"]
        if old is not None:
            changed = [position[c] for c, v in before.items() if c in position and state[c] != v]
            data["fields"] = [name for _, name in sorted(changed)]
        author = lookups.user(update.by)
        reason = f"Imported from {source}, line {update.line}"[:100]
        done.history.append(
            (*values(state), update.at, reason, "+" if old is None else "~", author)
        )
        done.timeline.append(
            (state["id"], TimelineKind.EVENT, verb, update.note, data, author, update.at)
        )
    return done


def _finish(case: Case, state: dict[str, Any]) -> None:
    """What the source says of the incident as a whole, set with its last update."""
    if case.made_sla is not None:
        state["made_sla"] = case.made_sla
    if case.snapshot:
        for name, value in case.milestones.items():
            state[name] = value
        if "reassignments" in case.counters:
            state["reassignment_count"] = case.counters["reassignments"]
        if "reopens" in case.counters:
            state["reopen_count"] = case.counters["reopens"]


def event_row(incident_id: int, verb: str, data: dict[str, Any], at: datetime) -> tuple[Any, ...]:
    """A timeline entry of the system's (no author), e.g. the caused-by-change link."""
    return (incident_id, TimelineKind.EVENT, verb, "", data, None, at)
