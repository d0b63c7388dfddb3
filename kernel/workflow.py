"""The one mechanism every ticket move goes through.

A ticket type's ``workflow`` module names one function per move and hands this module
what the move changes; this module locks the row, checks the move against the table and
the user's rights, saves with an audit row, and writes the timeline event.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.db import models, transaction

from kernel import events
from kernel.enums import TimelineKind
from kernel.errors import MoveForbidden, MoveInvalid
from kernel.models import Ticket, TimelineEntry
from kernel.priority import priority_for
from kernel.transitions import Move

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
) -> TimelineEntry:
    """Write one timeline entry and tell ``kernel.events`` handlers about it, in the
    caller's transaction (so their outbox rows commit or roll back with the change)."""
    entry: TimelineEntry = ticket.timeline.create(  # type: ignore[attr-defined]
        kind=kind, verb=verb, body=body, data=data or {}, author=by
    )
    events.publish(ticket, entry)
    return entry


def require_inputs(move: Move, values: dict[str, Any]) -> None:
    """Refuse the move when an input it needs is missing or blank."""
    missing = {
        name: ["This field is required to " + move.label.lower() + "."]
        for name in move.required
        if values.get(name) in (None, "")
        or (isinstance(values.get(name), str) and not values[name].strip())
    }
    if missing:
        raise MoveInvalid(missing)


def lock[T: Ticket](ticket: T) -> T:
    """Re-read the ticket under a row lock. Two agents moving the same ticket at once
    serialize here, and the second sees the state the first left behind."""
    locked = type(ticket)._default_manager.select_for_update(of=("self",)).get(pk=ticket.pk)
    return cast(T, locked)


def perform_move[T: Ticket](
    ticket: T,
    name: str,
    *,
    by: "User | None",
    inputs: dict[str, Any],
    reason: str,
    apply: Callable[[T, Move], dict[str, Any] | None] | None = None,
) -> T:
    """Make move ``name`` on ``ticket`` and return the saved, locked copy.

    ``apply`` sets the move's own fields (codes, notes, milestones) on the locked copy and
    may return extra data for the timeline event. Raises ``MoveNotAllowed`` (state),
    ``MoveForbidden`` (user) or ``MoveInvalid`` (inputs); nothing is saved then.
    """
    table = type(ticket).moves
    with transaction.atomic():
        current = lock(ticket)
        move = table.check_ticket(current, name)
        if not move.permits(by, current):
            raise MoveForbidden(f"You may not {move.label.lower()} {current.number}.")
        require_inputs(move, inputs)
        before = current.status
        data = (apply(current, move) if apply else None) or {}
        current.status = table.target_of(move, before)
        save_audited(current, by=by, reason=reason or move.label)
        record_event(
            current,
            by=by,
            verb=move.name,
            body=reason,
            data={"from": before, "to": current.status, **data},
        )
    return current


def recalculate_priority(ticket: Ticket) -> bool:
    """Derive the priority from the matrix unless it was overridden; True if it changed."""
    if ticket.priority_overridden:
        return False
    new = priority_for(ticket.impact, ticket.urgency)
    changed: bool = new != ticket.priority
    ticket.priority = new
    return changed
