"""BPI Challenge 2014 (Rabobank Group ICT): the incident file (one row per incident, its
final values) and the activity file (one row per activity), joined on ``Incident ID``.
The mapping, and why, is in docs/import.md (## BPIC 2014).

The join streams: both files are read in ascending ``Incident ID`` through
``reading.grouped_rows`` (the activity sample is two sorted runs concatenated; the
incident file is one), and merged like two sorted lists, so memory holds one incident's
rows, never a file.
"""

import re
from collections.abc import Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

from imports.formats.base import Case, ReadOptions, Rejected, Update
from imports.formats.reading import (
    Row,
    Unmappable,
    WrongFile,
    grouped_rows,
    parse_time,
    read_header,
)
from incidents.models import HoldReason, ResolutionCode, Status
from kernel.enums import Impact, Priority, Urgency

KEY = "Incident ID"
TIME = "%Y-%m-%d %H:%M:%S"

INCIDENT_COLUMNS = (
    "CI Name (aff)",
    "CI Type (aff)",
    "CI Subtype (aff)",
    "Service Component WBS (aff)",
    "Incident ID",
    "Status",
    "Impact",
    "Urgency",
    "Priority",
    "Category",
    "KM number",
    "Alert Status",
    "# Reassignments",
    "Open Time",
    "Reopen Time",
    "Resolved Time",
    "Close Time",
    "Handle Time (Hours)",
    "Closure Code",
    "# Related Interactions",
    "Related Interaction",
    "# Related Incidents",
    "# Related Changes",
    "Related Change",
    "CI Name (CBy)",
    "CI Type (CBy)",
    "CI Subtype (CBy)",
    "ServiceComp WBS (CBy)",
)
ACTIVITY_COLUMNS = (
    "Incident ID",
    "DateStamp",
    "IncidentActivity_Number",
    "IncidentActivity_Type",
    "Assignment Group",
    "KM number",
    "Interaction ID",
)
# Incident columns that become fields of ours; every other non-empty one is an attribute.
MAPPED = frozenset({"Incident ID", "CI Name (aff)", "Category"})


class Effect(Enum):
    """What an activity does to the incident's state."""

    OPEN = "open"  # New
    WORK = "work"  # someone works it: New or On Hold → In Progress
    HOLD = "hold"  # On Hold, awaiting the vendor (from an open state)
    RESOLVE = "resolve"  # Resolved (unless already Closed)
    CLOSE = "close"  # Closed
    REOPEN = "reopen"  # Resolved or Closed → In Progress
    NOTE = "note"  # the state stays


# All 36 activity types of the sample. docs/import.md says why each is where it is.
ACTIVITIES: dict[str, Effect] = {
    "Open": Effect.OPEN,
    "Status Change": Effect.WORK,
    "Operator Update": Effect.WORK,
    "Update": Effect.WORK,
    "Analysis/Research": Effect.WORK,
    "Communication with customer": Effect.WORK,
    "Mail to Customer": Effect.WORK,
    "Problem Workaround": Effect.WORK,
    "Pending vendor": Effect.HOLD,
    "Resolved": Effect.RESOLVE,
    "Closed": Effect.CLOSE,
    "Reopen": Effect.REOPEN,
    "Assignment": Effect.NOTE,
    "Reassignment": Effect.NOTE,
    "External Vendor Assignment": Effect.NOTE,
    "External Vendor Reassignment": Effect.NOTE,
    "Communication with vendor": Effect.NOTE,
    "Vendor Reference": Effect.NOTE,
    "Vendor Reference Change": Effect.NOTE,
    "External update": Effect.NOTE,
    "Update from customer": Effect.NOTE,
    "Callback Request": Effect.NOTE,
    "Caused By CI": Effect.NOTE,
    "Quality Indicator": Effect.NOTE,
    "Quality Indicator Set": Effect.NOTE,
    "Quality Indicator Fixed": Effect.NOTE,
    "Description Update": Effect.NOTE,
    "Impact Change": Effect.NOTE,
    "Urgency Change": Effect.NOTE,
    "Affected CI Change": Effect.NOTE,
    "Service Change": Effect.NOTE,
    "Contact Change": Effect.NOTE,
    "Notify By Change": Effect.NOTE,
    "Problem Closure": Effect.NOTE,
    "OO Response": Effect.NOTE,
    "Referred": Effect.NOTE,
}
# The activities that (re)set the assignment group: the group named on other activities
# (Open's too) is the team that logged them, not the one the incident is assigned to.
ASSIGNING = frozenset({"Assignment", "Reassignment"})

# Rabobank's five levels (1 highest) → our three.
IMPACTS: dict[str, Impact] = {
    "1": Impact.HIGH,
    "2": Impact.HIGH,
    "3": Impact.MEDIUM,
    "4": Impact.LOW,
    "5": Impact.LOW,
}
URGENCIES: dict[str, Urgency] = {
    "1": Urgency.HIGH,
    "2": Urgency.HIGH,
    "3": Urgency.MEDIUM,
    "4": Urgency.LOW,
    "5": Urgency.LOW,
}
PRIORITIES: dict[str, Priority] = {str(priority.value): priority for priority in Priority}

# Closure Code names a cause category more than a resolution; the recorded text stays in
# the attributes. An empty code sets none.
RESOLUTIONS: dict[str, ResolutionCode] = {
    "Software": ResolutionCode.SOLUTION_PROVIDED,
    "Hardware": ResolutionCode.SOLUTION_PROVIDED,
    "Data": ResolutionCode.SOLUTION_PROVIDED,
    "Operator error": ResolutionCode.SOLUTION_PROVIDED,
    "Other": ResolutionCode.SOLUTION_PROVIDED,
    "Unknown": ResolutionCode.SOLUTION_PROVIDED,
    "Inquiry": ResolutionCode.SOLUTION_PROVIDED,
    "Questions": ResolutionCode.SOLUTION_PROVIDED,
    "User error": ResolutionCode.USER_ERROR,
    "User manual not used": ResolutionCode.USER_ERROR,
    "No error - works as designed": ResolutionCode.USER_ERROR,
    "Referred": ResolutionCode.NO_RESOLUTION,
}
CHANGE = re.compile(r"C\d+")
FINISHED = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELED})


def next_state(state: Status, hold_reason: str, effect: Effect) -> tuple[Status, str]:
    """The state and hold reason after an activity of ``effect`` in ``state``."""
    new = state
    if effect is Effect.CLOSE:
        new = Status.CLOSED
    elif effect is Effect.RESOLVE and state is not Status.CLOSED:
        new = Status.RESOLVED
    elif effect is Effect.REOPEN and state in FINISHED:
        new = Status.IN_PROGRESS
    elif effect is Effect.OPEN and state not in FINISHED:
        new = Status.NEW
    elif effect is Effect.HOLD and state not in FINISHED:
        return Status.ON_HOLD, HoldReason.AWAITING_VENDOR
    elif effect is Effect.WORK and state in {Status.NEW, Status.ON_HOLD}:
        new = Status.IN_PROGRESS
    return new, hold_reason if new is Status.ON_HOLD else ""


class Bpic2014:
    name: ClassVar[str] = "bpic2014"
    label: ClassVar[str] = "BPI Challenge 2014 incidents and activities (Rabobank)"

    def read(self, paths: Sequence[Path], options: ReadOptions) -> Iterator[Case | Rejected]:
        incidents, activities = _tell_apart(paths)
        incident_groups = grouped_rows(incidents, KEY, expected=INCIDENT_COLUMNS)
        activity_groups = grouped_rows(activities, KEY, expected=ACTIVITY_COLUMNS)
        incident = next(incident_groups, None)
        activity = next(activity_groups, None)
        while incident is not None or activity is not None:
            if activity is None or (incident is not None and incident[0] < activity[0]):
                assert incident is not None  # one of the two is left
                for row in incident[1]:
                    yield Rejected(
                        str(incidents), row.line, incident[0], "incident without activities"
                    )
                incident = next(incident_groups, None)
            elif incident is None or activity[0] < incident[0]:
                for row in activity[1]:
                    yield Rejected(
                        str(activities), row.line, activity[0], f"incident not in {incidents.name}"
                    )
                activity = next(activity_groups, None)
            else:
                yield from _case(incidents, incident[1], activities, activity[1], options)
                incident = next(incident_groups, None)
                activity = next(activity_groups, None)


def _tell_apart(paths: Sequence[Path]) -> tuple[Path, Path]:
    """The incident file and the activity file, whatever order they are given in."""
    found: dict[tuple[str, ...], list[Path]] = {INCIDENT_COLUMNS: [], ACTIVITY_COLUMNS: []}
    for path in paths:
        header = tuple(read_header(path))
        if header not in found:
            raise WrongFile(
                f"{path}: neither BPIC 2014's incident file nor its activity file (header "
                f"{list(header)[:4]}…)"
            )
        found[header].append(path)
    incidents, activities = found[INCIDENT_COLUMNS], found[ACTIVITY_COLUMNS]
    if len(incidents) != 1 or len(activities) != 1:
        raise WrongFile(
            "bpic2014 reads two files, one incident file and one activity file; given "
            f"{len(incidents)} incident and {len(activities)} activity file(s)"
        )
    return incidents[0], activities[0]


def _case(
    incidents: Path,
    incident_rows: list[Row],
    activities: Path,
    activity_rows: list[Row],
    options: ReadOptions,
) -> Iterator[Case | Rejected]:
    incident, *duplicates = incident_rows
    number = incident[KEY]
    for row in duplicates:
        yield Rejected(str(incidents), row.line, number, f"second row of incident {number}")
    try:
        if incident.fault:
            raise Unmappable(incident.fault)
        try:
            opened_at = parse_time(incident["Open Time"], TIME, options.time_zone)
        except Unmappable as refused:
            raise Unmappable(f"Open Time: {refused.reason}") from None
        first = _incident_fields(incident)
    except Unmappable as refused:
        yield refused.rejected(incidents, incident.line, number)
        for row in activity_rows:
            yield Rejected(
                str(activities), row.line, number, f"its incident row ({incident.line}) is rejected"
            )
        return
    updates: list[Update] = []
    rejected: list[Rejected] = []
    state, hold_reason = Status.NEW, ""
    # Neither file orders a case's activities; their time, then their number, does (the
    # numbers alone disagree with the times in 1,667 of the 4,000 incidents).
    ordered = sorted(
        activity_rows, key=lambda row: (row["DateStamp"], row["IncidentActivity_Number"])
    )
    for sequence, row in enumerate(ordered, start=1):
        try:
            update = _update(row, sequence, state, hold_reason, options)
        except Unmappable as refused:
            rejected.append(refused.rejected(activities, row.line, number))
            continue
        if not updates:
            update.fields = first | update.fields
        state, hold_reason = Status(update.state), update.hold_reason
        updates.append(update)
    if not updates:
        yield from rejected
        return
    resolution = RESOLUTIONS.get(incident["Closure Code"])
    # With the last close itself, not a note logged after it ("Caused By CI" often is).
    closing = [update for update in updates if ACTIVITIES[update.note] is Effect.CLOSE]
    if resolution is not None and closing:
        closing[-1].fields["resolution_code"] = resolution
    change = incident["Related Change"]
    yield Case(
        number=number,
        path=str(activities),
        line=ordered[0].line,
        opened_at=opened_at,
        opened_by="",
        updates=updates,
        changes=(change,) if CHANGE.fullmatch(change) else (),
        counters=_counters(incident),
        attributes={
            column: value
            for column, value in incident.values.items()
            if value and column not in MAPPED
        },
        rejected=rejected,
    )


def _incident_fields(incident: Row) -> dict[str, Any]:
    """The incident row's values (its final ones: the only ones the sample has), given
    with the first activity."""
    values = {
        "impact": IMPACTS.get(incident["Impact"]),
        "urgency": URGENCIES.get(incident["Urgency"]),
        "priority": PRIORITIES.get(incident["Priority"]),
    }
    for column, value in values.items():
        if value is None:
            raise Unmappable(f"{column} {incident[column.capitalize()]!r} is not 1 to 5")
    ci, subtype = incident["CI Name (aff)"], incident["CI Subtype (aff)"]
    return values | {
        "title": f"{ci} ({subtype})" if subtype else ci or incident[KEY],
        "configuration_item": ci,
        "category": incident["Category"],
    }


def _update(
    row: Row, sequence: int, state: Status, hold_reason: str, options: ReadOptions
) -> Update:
    if row.fault:
        raise Unmappable(row.fault)
    kind = row["IncidentActivity_Type"]
    try:
        effect = ACTIVITIES[kind]
    except KeyError:
        raise Unmappable(f"unknown activity type {kind!r}") from None
    at = parse_time(row["DateStamp"], TIME, options.time_zone)
    state, hold_reason = next_state(state, hold_reason, effect)
    fields: dict[str, Any] = {}
    if kind in ASSIGNING and row["Assignment Group"]:
        fields["assignment_group"] = row["Assignment Group"]
    return Update(
        line=row.line,
        sequence=sequence,
        at=at,
        by="",  # the activity file names no person
        state=state,
        hold_reason=hold_reason,
        fields=fields,
        note=kind,
    )


def _counters(incident: Row) -> dict[str, int]:
    counters: dict[str, int] = {}
    # isdigit() alone would pass "²", which int() refuses (the whole run would stop).
    if incident["# Reassignments"].isascii() and incident["# Reassignments"].isdigit():
        counters["reassignments"] = int(incident["# Reassignments"])
    # The incident row keeps its last reopen's time only: "reopened at least once".
    counters["reopens"] = 1 if incident["Reopen Time"] else 0
    return counters
