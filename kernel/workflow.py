"""The steps every write to a ticket is made of: lock the row, save with an audit row,
write the timeline event (with its notice). Moves put them together in ``kernel.moves``;
create, edit and notes in ``kernel.editing``."""

from typing import TYPE_CHECKING, Any, cast

from django.db import models

from kernel import events
from kernel.enums import TimelineKind
from kernel.models import Ticket, TimelineEntry
from kernel.notices import Notice
from kernel.priority import priority_for

if TYPE_CHECKING:
    from accounts.models import User


def save_audited(record: models.Model, *, by: "User | None", reason: str) -> None:
    """Save so that django-simple-history records who did it and why (any audited model:
    tickets, and the records other apps hang on them)."""
    record._history_user = by  # type: ignore[attr-defined]
    record._change_reason = reason[:100]  # type: ignore[attr-defined]
    record.save()


def record_event(
    ticket: Ticket,
    *,
    by: "User | None",
    verb: str,
    body: str = "",
    kind: str = TimelineKind.EVENT,
    data: dict[str, Any] | None = None,
    notice: Notice | None = None,
) -> TimelineEntry:
    """Write one timeline entry and tell ``kernel.events`` handlers about it, in the
    caller's transaction (so their outbox rows commit or roll back with the change).
    ``notice`` says whom the event tells and in what words; without one it tells nobody."""
    entry: TimelineEntry = ticket.timeline.create(  # type: ignore[attr-defined]
        kind=kind, verb=verb, body=body, data=data or {}, author=by
    )
    entry.notice = notice
    events.publish(ticket, entry)
    return entry


def lock[T: Ticket](ticket: T) -> T:
    """Re-read the ticket under a row lock. Two agents moving the same ticket at once
    serialize here, and the second sees the state the first left behind."""
    locked = type(ticket)._default_manager.select_for_update(of=("self",)).get(pk=ticket.pk)
    return cast(T, locked)


def recalculate_priority(ticket: Ticket) -> bool:
    """Derive the priority from the matrix unless it was overridden; True if it changed."""
    if ticket.priority_overridden:
        return False
    new = priority_for(ticket.impact, ticket.urgency)
    changed: bool = new != ticket.priority
    ticket.priority = new
    return changed
