"""Incidents as CSV: the one column set the incident list's export (API and admin) writes
and ``import_incidents --format servicedesk`` reads back (docs/import.md#servicedesk).

One row per incident, in ``COLUMNS`` order, under a header of those names:

- choice values as stored (``status`` 1-8, ``priority`` 1-5, ``source`` "phone", ...), so
  a program reads them without a table of labels; ``status_label`` is the one label
  beside them, because nobody reads "6" as Resolved;
- people by username (``caller``, ``assigned_to``), catalog records by name (``service``,
  ``category``, ``subcategory``, ``location``, ``configuration_item``,
  ``assignment_group``);
- times ISO 8601 in UTC with the offset written out (``2026-12-03T09:15:00+00:00``, a
  fraction of a second only when there is one), empty when unset;
- ``made_sla`` ``true``/``false``, empty when unknown; an empty cell is an empty text or
  no value.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``
(or a tab or carriage return) as a formula, and these are texts people typed. Such a text
is written with a ``'`` in front, as OWASP advises; a text that already starts with ``'``
gets one more, so the rule is reversible: ``unescape`` drops one leading ``'`` from any
cell that has one, and the import reads back exactly what was stored.

Rows are read with ``values_list(...).iterator()``: one query (a server-side cursor on
PostgreSQL), no model instance per row, memory bounded by the chunk whatever the number of
incidents.
"""

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet

from incidents.models import Incident, Status

# Column name -> the path ``values_list`` reads it from (None: derived from another).
SOURCES: dict[str, str | None] = {
    "number": "number",
    "title": "title",
    "description": "description",
    "status": "status",
    "status_label": None,
    "hold_reason": "hold_reason",
    "source": "source",
    "caller": "caller__username",
    "contact": "contact",
    "service": "service__name",
    "category": "category__name",
    "subcategory": "subcategory__name",
    "location": "location__name",
    "configuration_item": "configuration_item__name",
    "impact": "impact",
    "urgency": "urgency",
    "priority": "priority",
    "priority_override_reason": "priority_override_reason",
    "severity": "severity",
    "assignment_group": "assignment_group__name",
    "assigned_to": "assigned_to__username",
    "reassignment_count": "reassignment_count",
    "reopen_count": "reopen_count",
    "made_sla": "made_sla",
    "resolution_code": "resolution_code",
    "resolution_notes": "resolution_notes",
    "close_code": "close_code",
    "close_notes": "close_notes",
    "impact_started_at": "impact_started_at",
    "detected_at": "detected_at",
    "reported_at": "reported_at",
    "acknowledged_at": "acknowledged_at",
    "mitigated_at": "mitigated_at",
    "resolved_at": "resolved_at",
    "closed_at": "closed_at",
}
COLUMNS: tuple[str, ...] = tuple(SOURCES)
TIMES: tuple[str, ...] = tuple(name for name in COLUMNS if name.endswith("_at"))
_READ = tuple(path for path in SOURCES.values() if path is not None)
_STATUS_AT = COLUMNS.index("status")
_LABELS = {int(value): str(label) for value, label in Status.choices}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
CHUNK_SIZE = 2000
"""Rows fetched from the cursor at a time: the export's memory, whatever the row count."""


def escape(text: str) -> str:
    """``text`` safe to open in a spreadsheet, reversibly (``unescape``)."""
    if text.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + text
    return text


def unescape(cell: str) -> str:
    """What ``escape`` was given: every exported cell that starts with ``'`` got it there."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: a bool is one
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, str):
        return escape(value)
    return str(value)


class _Line:
    """A file whose ``write`` hands back what it was given: ``csv.writer`` quotes one row
    and we yield it, holding nothing."""

    def write(self, text: str) -> str:
        return text


def export_rows(incidents: QuerySet[Incident], *, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The header and then one CSV line per incident of ``incidents`` (in its order),
    several lines joined per piece so a streamed answer is not a write per row."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    piece: list[str] = []
    for values in incidents.values_list(*_READ).iterator(chunk_size=chunk_size):
        row = [cell(value) for value in values]
        row.insert(_STATUS_AT + 1, _LABELS.get(values[_STATUS_AT], ""))
        piece.append(writer.writerow(row))
        if len(piece) >= 200:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def export_filename(now: datetime) -> str:
    return f"incidents-{now.astimezone(UTC):%Y-%m-%d}.csv"
