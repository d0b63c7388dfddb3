"""The one importer interface: a source format reads its files and yields, one incident at
a time, a ``Case`` (the incident's updates in the source's order, already mapped to our
states and field names) or a ``Rejected`` row it could not map. The engine
(``imports.engine``) does everything else: lookups and records created as needed, the
replay into history rows and timeline events, batching, idempotency, the summary.

A format never touches the database: it turns text into these records, so a fourth format
is one new module under ``imports/formats/`` and one line in ``imports.formats.FORMATS``.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

# The incident fields an update may carry, by our names. References are the source's
# names (people by their source id, teams, categories, locations, configuration items):
# the engine finds or creates them. Values are our choice values (``Impact``,
# ``Urgency``, ``Priority``, ``Source``, ``Severity``, ``ResolutionCode``, ``CloseCode``).
# ``priority_override_reason`` is for a snapshot of our own desk, which records it: the
# engine keeps it as given instead of writing "imported" where the matrix disagrees.
FIELDS: frozenset[str] = frozenset(
    {
        "title",
        "description",
        "caller",
        "contact",
        "source",
        "service",
        "category",
        "subcategory",
        "location",
        "configuration_item",
        "impact",
        "urgency",
        "priority",
        "priority_override_reason",
        "severity",
        "assignment_group",
        "assigned_to",
        "resolution_code",
        "resolution_notes",
        "close_code",
        "close_notes",
    }
)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A source row that cannot be imported, and why. The rest of its case imports."""

    path: str
    line: int
    """1-based line of the file (the header is line 1)."""
    number: str
    """The case the row belongs to ("" when even that is unreadable)."""
    reason: str


@dataclass(slots=True)
class Update:
    """One source row (one update of the incident), mapped."""

    line: int
    sequence: int
    """The source's order of the case's updates (ServiceNow's ``sys_mod_count``; a row
    number where the source has none): unique within a case, the idempotency key."""
    at: datetime
    """When it happened (aware)."""
    by: str
    """Who made it: the source's user id ("" when the source does not say)."""
    state: int
    """``incidents.models.Status`` after the update."""
    hold_reason: str = ""
    """``incidents.models.HoldReason`` while on hold."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Fields (of ``FIELDS``) as the source recorded them after this update; a field not
    given keeps its value."""
    note: str = ""
    """What the source says the update was (BPIC 2014's activity type, BPIC 2013's sub
    status), shown as the timeline event's body."""


@dataclass(slots=True)
class Case:
    """One source incident: its number, its updates and what the source says about it as
    a whole."""

    number: str
    """The source's number, kept as the incident's number."""
    path: str
    line: int
    """Line of its first row."""
    opened_at: datetime
    """Reported (our ``reported_at``)."""
    opened_by: str
    updates: list[Update]
    """In the source's order (``sequence`` ascending), at least one."""
    registered_at: datetime | None = None
    """When it was entered in the source system, when it says (our ``created_at``)."""
    made_sla: bool | None = None
    """The source's own flag, as recorded at its last update."""
    problems: tuple[str, ...] = ()
    """Source problem ids: a problem record each, the incident linked to the first."""
    changes: tuple[str, ...] = ()
    """Source change (RFC) ids the incident relates to: a change record each."""
    caused_by: str = ""
    """The source change id that caused the incident."""
    counters: dict[str, int] = field(default_factory=dict)
    """The source's own final counters, compared with what the replay counts:
    ``reassignments``, ``reopens``."""
    attributes: dict[str, str] = field(default_factory=dict)
    """Source columns with no field of ours, kept as recorded (shown on the incident)."""
    rejected: list[Rejected] = field(default_factory=list)
    """Rows of this case left out, with their reasons."""
    snapshot: bool = False
    """The source is a snapshot of each incident (our own export), not a log of its
    updates: the engine then keeps ``milestones`` and ``counters`` as given instead of
    working them out from the updates, and its people are this desk's usernames (found
    by username, created under it when missing) rather than source ids."""
    milestones: dict[str, datetime | None] = field(default_factory=dict)
    """For a snapshot: ``impact_started_at``, ``detected_at``, ``acknowledged_at``,
    ``mitigated_at``, ``resolved_at``, ``closed_at`` as recorded."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    time_zone: ZoneInfo
    """The zone of times written without an offset (``--time-zone``)."""


class Format(Protocol):
    """A source format: ``name`` is what ``--format`` takes."""

    name: ClassVar[str]
    label: ClassVar[str]

    def read(self, paths: Sequence[Path], options: ReadOptions) -> Iterator[Case | Rejected]:
        """Stream the files: memory stays flat whatever their size (one case at a time;
        a format whose source splits a case over two files merges them in order)."""
        ...
