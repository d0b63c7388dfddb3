"""BPI Challenge 2013, incidents (Volvo IT Belgium's VINST system): the restored 12-column
file, one row per status change, a case's rows together and in time order. The mapping,
and why, is in docs/import.md (## BPIC 2013)."""

import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from imports.formats.base import Case, ReadOptions, Rejected, Update
from imports.formats.reading import ISO, Row, Unmappable, WrongFile, grouped_rows, parse_time
from incidents.models import HoldReason, Status
from kernel.enums import Impact, Urgency

COLUMNS = (
    "SR Number",
    "Change Date+Time",
    "Status",
    "Sub Status",
    "Involved ST Function Div",
    "Involved Org line 3",
    "Involved ST",
    "SR Latest Impact",
    "Product",
    "Country",
    "Owner Country",
    "Owner First Name",
)

# (Status, Sub Status) → our state and hold reason. docs/import.md says why for each.
STATES: dict[tuple[str, str], tuple[Status, str]] = {
    ("Queued", "Awaiting Assignment"): (Status.NEW, ""),
    ("Accepted", "Assigned"): (Status.IN_PROGRESS, ""),
    ("Accepted", "In Progress"): (Status.IN_PROGRESS, ""),
    ("Accepted", "Wait"): (Status.ON_HOLD, HoldReason.AWAITING_CALLER),
    ("Accepted", "Wait - User"): (Status.ON_HOLD, HoldReason.AWAITING_CALLER),
    ("Accepted", "Wait - Customer"): (Status.ON_HOLD, HoldReason.AWAITING_CALLER),
    ("Accepted", "Wait - Vendor"): (Status.ON_HOLD, HoldReason.AWAITING_VENDOR),
    ("Accepted", "Wait - Implementation"): (Status.ON_HOLD, HoldReason.AWAITING_CHANGE),
    ("Completed", "Resolved"): (Status.RESOLVED, ""),
    ("Completed", "In Call"): (Status.CLOSED, ""),
    ("Completed", "Closed"): (Status.CLOSED, ""),
    ("Completed", "Cancelled"): (Status.CANCELED, ""),
    ("Unmatched", "Unmatched"): (Status.IN_PROGRESS, ""),
}

# SR Latest Impact → our impact and urgency. VINST records no urgency and no priority:
# urgency is Medium except for Major, the one level above High, which our three-level
# impact can only tell apart through urgency; the priority then follows the matrix.
IMPACTS: dict[str, tuple[Impact, Urgency]] = {
    "Major": (Impact.HIGH, Urgency.HIGH),
    "High": (Impact.HIGH, Urgency.MEDIUM),
    "Medium": (Impact.MEDIUM, Urgency.MEDIUM),
    "Low": (Impact.LOW, Urgency.MEDIUM),
}

NOT_RECORDED = "0"
"""What VINST writes for a country it does not know (the Siebel system's own rows)."""


def owner(row: Row) -> str:
    """The person's source id: first names are not unique, so the first name with the
    owner's country ("Frederic (France)"); the first name alone where the country is not
    recorded ("Siebel", the CRM system itself)."""
    name, country = row["Owner First Name"].strip(), row["Owner Country"].strip()
    if not name:
        return ""
    return f"{name} ({country})" if country and country != NOT_RECORDED else name


class Bpic2013:
    name: ClassVar[str] = "bpic2013"
    label: ClassVar[str] = "BPI Challenge 2013 incidents (Volvo IT, VINST)"

    def read(self, paths: Sequence[Path], options: ReadOptions) -> Iterator[Case | Rejected]:
        for path in paths:
            try:
                groups = grouped_rows(path, "SR Number", expected=COLUMNS)
                first = next(groups, None)
            except WrongFile as wrong:
                raise WrongFile(
                    f"{wrong} — bpic2013 reads the restored file with VINST's 12 columns "
                    "(bpic2013_incidents.csv), not IBM's 17-column export of it"
                ) from None
            for number, rows in itertools.chain([first] if first else [], groups):
                yield from _case(path, number, rows, options)


def _case(
    path: Path, number: str, rows: list[Row], options: ReadOptions
) -> Iterator[Case | Rejected]:
    updates: list[Update] = []
    rejected: list[Rejected] = []
    # No sequence column: a row's place within its case (the file keeps VINST's order)
    # orders it, rejected rows included, so a fixed row keeps its place on a second run.
    for sequence, row in enumerate(rows, start=1):
        try:
            updates.append(_update(row, sequence, options))
        except Unmappable as refused:
            rejected.append(refused.rejected(path, row.line, number))
    if not updates:
        yield from rejected
        return
    last = rows[-1]
    yield Case(
        number=number,
        path=str(path),
        line=rows[0].line,
        opened_at=updates[0].at,
        opened_by=updates[0].by,
        updates=updates,
        attributes={
            "SR Latest Impact": last["SR Latest Impact"],
            # The team's place in Volvo's organisation, as of the case's last row.
            "Involved ST Function Div": last["Involved ST Function Div"],
            "Involved Org line 3": last["Involved Org line 3"],
        },
        rejected=rejected,
    )


def _update(row: Row, sequence: int, options: ReadOptions) -> Update:
    if row.fault:
        raise Unmappable(row.fault)
    status, sub_status = row["Status"], row["Sub Status"]
    try:
        state, hold_reason = STATES[status, sub_status]
    except KeyError:
        raise Unmappable(f"unknown status {status!r} / {sub_status!r}") from None
    try:
        impact, urgency = IMPACTS[row["SR Latest Impact"]]
    except KeyError:
        raise Unmappable(f"unknown impact {row['SR Latest Impact']!r}") from None
    at = parse_time(row["Change Date+Time"], ISO, options.time_zone)
    by = owner(row)
    product = row["Product"]
    fields: dict[str, Any] = {
        "title": product,
        "impact": impact,
        "urgency": urgency,
        "configuration_item": product,
        "assignment_group": row["Involved ST"],
    }
    # An owner without a country is VINST itself (Siebel closing a case, 6,162 rows) or a
    # partner account: not someone the case was assigned to, so the assignee stays.
    if by and row["Owner Country"].strip() not in {"", NOT_RECORDED}:
        fields["assigned_to"] = by
    # Country codes come in either case ("se", "SE"); "0" is none.
    country = row["Country"].strip().lower()
    if country and country != NOT_RECORDED:
        fields["location"] = country
        fields["title"] = f"{product} ({country})"
    return Update(
        line=row.line,
        sequence=sequence,
        at=at,
        by=by,
        state=state,
        hold_reason=hold_reason,
        fields=fields,
        note=sub_status,
    )
