"""The ServiceNow log's report figures computed straight from the CSV, with ``csv`` and
``gzip`` only: not a line of the product's code (no format, no engine, no metrics), so
``test_servicenow_whole_log`` checks the product's figures against an independent reading.

The replay rules are common.md's, written out literally:

- An incident's rows are ordered by ``sys_mod_count``, then ``sys_updated_at``. Rows with
  state ``-100`` are left out; of two rows sharing a ``sys_mod_count``, the one earlier in
  the file is left out (the later one fits the incident's time order).
- Times are day-first ``d/m/YYYY H:MM``, read as UTC. Reported = ``opened_at``.
- States: New; Active is In Progress; Awaiting ... is On Hold; Resolved; Closed.
- Acknowledged = the time of the first update whose state is not New. Resolved = the time
  of the last update that moved into Resolved (the first update moves into its state),
  cleared by a later reopen. A reopen = a move from Resolved or Closed to an open state.
- A reassignment = an update (not the first) that moved the incident to another group
  once one was set (a new assignee within the group is not one).
- Final state, priority and ``made_sla`` = the last update's.

Durations are seconds; means are plain means; medians are the continuous percentile
(PostgreSQL's ``percentile_cont(0.5)``: the value at position 0.5 x (n - 1) of the sorted
values, interpolated linearly), computed the way PostgreSQL computes it."""

import csv
import gzip
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

LOG = "servicenow_incident_event_log.csv.gz"
EMPTY = "?"
OPEN = ("New", "In Progress", "On Hold")
FINISHED = ("Resolved", "Closed")
STATES = {
    "New": "New",
    "Active": "In Progress",
    "Awaiting User Info": "On Hold",
    "Awaiting Problem": "On Hold",
    "Awaiting Vendor": "On Hold",
    "Awaiting Evidence": "On Hold",
    "Resolved": "Resolved",
    "Closed": "Closed",
}


@dataclass(frozen=True)
class Incident:
    number: str
    state: str
    """Our state's label after the last update."""
    priority: int
    reported_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    reopens: int
    reassignments: int
    made_sla: bool | None
    rows: int
    """Rows of the log kept (``skipped`` are the others)."""
    skipped: int


def time(text: str) -> datetime:
    return datetime.strptime(text.strip(), "%d/%m/%Y %H:%M").replace(tzinfo=UTC)


def empty(text: str) -> str | None:
    """``?`` and blanks are nothing; runs of spaces in an id are one space."""
    value = " ".join(text.split())
    return None if value in ("", EMPTY) else value


def rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as text:
        # Lines from 2 (the header is 1): no field of this log spans lines.
        yield from enumerate(csv.DictReader(text), start=2)


def incidents(data_dir: Path) -> list[Incident]:
    """Every incident of the log (its rows are consecutive), replayed."""
    return [
        replay(number, [row for _line, row in group])
        for number, group in groupby(rows(data_dir / LOG), key=lambda item: item[1]["number"])
    ]


def replay(number: str, records: list[dict[str, str]]) -> Incident:
    kept = [r for r in records if r["incident_state"] != "-100"]
    last_in_file = {int(r["sys_mod_count"]): r for r in kept}
    kept = [r for r in kept if last_in_file[int(r["sys_mod_count"])] is r]
    kept.sort(key=lambda r: (int(r["sys_mod_count"]), time(r["sys_updated_at"])))
    acknowledged = resolved = None
    reopens = reassignments = 0
    state: str | None = None
    assignment: tuple[str | None, str | None] | None = None
    for r in kept:
        at, new = time(r["sys_updated_at"]), STATES[r["incident_state"]]
        if new != "New" and acknowledged is None:
            acknowledged = at
        if new != state and new == "Resolved":
            resolved = at
        if state in FINISHED and new in OPEN:
            reopens += 1
            resolved = None
        now = (empty(r["assignment_group"]), empty(r["assigned_to"]))
        if assignment is not None and assignment[0] is not None and now[0] != assignment[0]:
            reassignments += 1
        state, assignment = new, now
    last = kept[-1]
    return Incident(
        number=number,
        state=STATES[last["incident_state"]],
        priority=int(last["priority"].split(" - ")[0]),
        reported_at=time(records[0]["opened_at"]),
        acknowledged_at=acknowledged,
        resolved_at=resolved,
        reopens=reopens,
        reassignments=reassignments,
        made_sla={"true": True, "false": False}.get(last["made_sla"]),
        rows=len(kept),
        skipped=len(records) - len(kept),
    )


def median(values: list[float]) -> float | None:
    """``percentile_cont(0.5)`` as PostgreSQL computes it: ``first + (second - first) *
    (position - floor(position))`` on the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    position = 0.5 * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    first, second = ordered[low], ordered[high]
    return first + (second - first) * (position - low)


def stats(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "mean": sum(values) / len(values) if values else None,
        "p50": median(values),
    }


def seconds(end: datetime | None, start: datetime) -> float | None:
    return None if end is None else (end - start).total_seconds()


def figures(found: list[Incident]) -> dict[str, Any]:
    """The issue's report figures over ``found``; per priority too."""
    mtta = [s for i in found if (s := seconds(i.acknowledged_at, i.reported_at)) is not None]
    mttr = [s for i in found if (s := seconds(i.resolved_at, i.reported_at)) is not None]
    flags = [i.made_sla for i in found if i.made_sla is not None]
    return {
        "incidents": len(found),
        "reopened": sum(1 for i in found if i.reopens > 0),
        "reassignments": sum(i.reassignments for i in found),
        "reassignments_per_incident": (
            sum(i.reassignments for i in found) / len(found) if found else None
        ),
        "made_sla_recorded": len(flags),
        "made_sla": sum(flags),
        "made_sla_rate": sum(flags) / len(flags) if flags else None,
        "mtta": stats(mtta),
        "mttr_resolve": stats(mttr),
    }


def report(found: list[Incident]) -> dict[str, Any]:
    """Everything the test compares, as plain JSON-able values, over ``incidents()``."""
    priorities = sorted({i.priority for i in found})
    return {
        "rows": sum(i.rows + i.skipped for i in found),
        "rows_skipped": sum(i.skipped for i in found),
        "by_state": dict(sorted(Counter(i.state for i in found).items())),
        "by_priority": {p: sum(1 for i in found if i.priority == p) for p in priorities},
        "all": figures(found),
        "per_priority": {p: figures([i for i in found if i.priority == p]) for p in priorities},
    }
