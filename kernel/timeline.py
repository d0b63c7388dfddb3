"""What a ticket's requester sees of its timeline: an explicit allow-list that each ticket
type declares (``Ticket.requester_timeline``). Comments are theirs and work notes never
are; of the events only the verbs named, with the body only where it is meant for them and
only the data keys named. Whatever an app records later (a new verb, a new data key) stays
with the desk until someone names it here: nothing reaches the requester by default."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from kernel.enums import TimelineKind

if TYPE_CHECKING:
    from kernel.models import TimelineEntry


@dataclass(frozen=True)
class Shown:
    """What the requester sees of one verb of timeline event."""

    title: str
    """The event in the requester's words (the portal's line)."""
    body: bool | Callable[[Mapping[str, Any]], bool] = False
    """Whether the body is for them; a rule on the event's data when it depends (an
    on-hold note is the question only when the desk waits for the caller)."""
    data: tuple[str, ...] = ()
    """The keys of the event's data they see."""

    def shows_body(self, data: Mapping[str, Any]) -> bool:
        return self.body(data) if callable(self.body) else self.body


def requester_entries[E: "TimelineEntry"](
    entries: QuerySet[E], allowed: Mapping[str, Shown]
) -> QuerySet[E]:
    """``entries`` narrowed to what the requester sees: comments and the allowed events."""
    return entries.filter(
        Q(kind=TimelineKind.COMMENT) | Q(kind=TimelineKind.EVENT, verb__in=sorted(allowed))
    )


def requester_view(
    entry: "TimelineEntry", allowed: Mapping[str, Shown]
) -> tuple[str, dict[str, Any]] | None:
    """The body and data of ``entry`` as its requester sees them, or None when they do not
    see it at all."""
    if entry.kind == TimelineKind.COMMENT:
        return entry.body, {}
    shown = allowed.get(entry.verb) if entry.kind == TimelineKind.EVENT else None
    if shown is None:
        return None
    data = entry.data if isinstance(entry.data, dict) else {}
    body = entry.body if shown.shows_body(data) else ""
    return body, {key: data[key] for key in shown.data if key in data}
