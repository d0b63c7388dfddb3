"""The writes every ticket type makes besides its moves: create, edit fields, add notes,
override or re-derive the priority. Each ticket type's ``workflow`` module wraps these
with its ``TicketRules``, so the rules (who may edit, which states are read-only) are
data and the mechanics exist once."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kernel.enums import Priority, TimelineKind
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from kernel.models import Ticket
from kernel.notices import Audience, Notice, NoticeKind, audience
from kernel.numbering import next_number, reserve_up_to
from kernel.workflow import lock, recalculate_priority, record_event, save_audited

if TYPE_CHECKING:
    from accounts.models import User

ASSIGNMENT_FIELDS = ("assignment_group", "assigned_to")


def is_reassignment(group_before: object, group_after: object) -> bool:
    """Whether handing a ticket from ``group_before`` to ``group_after`` (ids) counts as a
    reassignment: a move to another assignment group once one was set (ServiceNow's
    ``reassignment_count``, ITIL's functional escalation). A first group is an assignment,
    and a new assignee within the group is not a reassignment. Imports count the same way
    (``imports.replay``), so an imported desk's counters agree with its source's."""
    return group_before is not None and group_after != group_before


# Who hears of the kernel's own events.
CREATED_AUDIENCE = audience(
    Audience.REQUESTER, Audience.ASSIGNEE, Audience.GROUP, Audience.WATCHERS, Audience.SUBSCRIBERS
)
COMMENT_NOTICE = Notice(
    NoticeKind.COMMENT,
    "comment",
    audience(Audience.REQUESTER, Audience.ASSIGNEE, Audience.WATCHERS),
)
WORK_NOTE_NOTICE = Notice(NoticeKind.WORK_NOTE, "work note", audience(Audience.GROUP))


def priority_notice(old: int, new: int) -> Notice | None:
    """A raised priority wakes the assignee (else the group) and the watchers; a lowered
    or unchanged one is not worth waking anyone for."""
    if new >= old:
        return None
    return Notice(
        NoticeKind.PRIORITY_RAISED,
        f"priority raised to {Priority(new).label}",
        audience(Audience.ASSIGNEE_OR_GROUP, Audience.WATCHERS),
    )


@dataclass(frozen=True)
class TicketRules:
    model: type[Ticket]
    editable: tuple[str, ...]
    """Fields create and update accept, in the order the API lists them."""
    work_permission: str
    """Needed to edit the ticket and to write work notes (``app.codename``)."""
    override_permission: str
    """Needed to override the matrix's priority."""

    @property
    def finished(self) -> frozenset[int]:
        """States in which the ticket is read-only (its move table's)."""
        return self.model.moves.finished

    @property
    def open(self) -> frozenset[int]:
        """States in which the priority may still change (its move table's)."""
        return self.model.moves.open


def validate_ticket(ticket: Ticket) -> None:
    """Field validation plus the rules every ticket shares: the assignee belongs to the
    group, the subcategory to the category."""
    # A related record the caller loaded exists: Django would check again, one query each.
    loaded = [
        field.name
        for field in ticket._meta.concrete_fields
        if field.is_relation
        and getattr(ticket, field.attname) is not None
        and field.is_cached(ticket)  # type: ignore[attr-defined]
        and not field.remote_field.limit_choices_to  # type: ignore[union-attr]
    ]
    try:
        ticket.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise MoveInvalid(exc.message_dict) from exc
    if (
        ticket.assigned_to_id
        and ticket.assignment_group_id
        and not ticket.assignment_group.members.filter(pk=ticket.assigned_to_id).exists()  # type: ignore[union-attr]
    ):
        raise MoveInvalid(
            {"assigned_to": [f"{ticket.assigned_to} is not a member of {ticket.assignment_group}."]}
        )
    sub = ticket.subcategory
    if sub is not None and sub.parent_id != ticket.category_id:
        raise MoveInvalid({"subcategory": ["The subcategory does not belong to the category."]})


def refuse_unknown(rules: TicketRules, fields: dict[str, Any], verb: str = "set") -> None:
    unknown = set(fields).difference(rules.editable)
    if unknown:
        raise MoveInvalid({name: [f"This field cannot be {verb}."] for name in sorted(unknown)})


def ticket_save_new[T: Ticket](
    ticket: T,
    *,
    by: "User | None",
    number: str | None = None,
    data: dict[str, Any] | None = None,
    note: str = "",
    acknowledge: bool | None = None,
) -> T:
    """Number, validate and save a new ticket with its history row and "created" event.
    ``number`` is for imports that keep the source system's number. ``note`` is the
    event's text (what its notice says besides the ticket's title). ``acknowledge``: None
    tells the requester as usual (not when they logged it themselves); True tells them
    even then (a mail's sender gets its number back); False never tells them (no reply
    to an automatic mail, which could answer and loop)."""
    prefix = type(ticket).NUMBER_PREFIX
    ticket.number = prefix  # placeholder so full_clean passes; replaced below
    validate_ticket(ticket)
    with transaction.atomic():
        if number:
            reserve_up_to(prefix, number)
            ticket.number = number
        else:
            ticket.number = next_number(prefix)
        save_audited(ticket, by=by, reason="Logged")
        told = CREATED_AUDIENCE - ({Audience.REQUESTER} if acknowledge is False else set())
        record_event(
            ticket,
            by=by,
            verb="created",
            body=note,
            data={"priority": ticket.priority, **(data or {})},
            notice=Notice(NoticeKind.CREATED, "logged", told, tells_author=bool(acknowledge)),
        )
    return ticket


def _describe(ticket: Ticket, field: str) -> str | None:
    value = getattr(ticket, field)
    return None if value is None else str(value)


def ticket_update[T: Ticket](
    rules: TicketRules,
    ticket: T,
    *,
    by: "User | None",
    changes: dict[str, Any],
    reason: str = "",
) -> T:
    """Edit a ticket's fields. Records reassignments and priority changes on the timeline
    and recomputes the priority from the matrix."""
    refuse_unknown(rules, changes, "changed")
    if by is not None and not by.has_perm(rules.work_permission):
        raise MoveForbidden(f"You may not edit {ticket.number}.")
    with transaction.atomic():
        current = lock(ticket)
        if current.status in rules.finished:
            label = current.get_status_display()  # type: ignore[attr-defined]
            raise MoveNotAllowed(f"{current.number} is {label}: read-only.")
        before = {name: getattr(current, name) for name in changes}
        before_assignment = {name: _describe(current, name) for name in ASSIGNMENT_FIELDS}
        group_before = current.assignment_group_id
        for name, value in changes.items():
            setattr(current, name, value)
        changed = [name for name in changes if getattr(current, name) != before[name]]
        if not changed:
            return current
        validate_ticket(current)
        old_priority = current.priority
        recalculate_priority(current)
        reassigned = any(name in ASSIGNMENT_FIELDS for name in changed)
        if is_reassignment(group_before, current.assignment_group_id):
            current.reassignment_count += 1
        save_audited(current, by=by, reason=reason or "Updated " + ", ".join(changed))
        if reassigned:
            after = {name: _describe(current, name) for name in ASSIGNMENT_FIELDS}
            record_event(
                current,
                by=by,
                verb="assigned",
                body=reason,
                data={"from": before_assignment, "to": after},
                notice=Notice(
                    NoticeKind.ASSIGNED,
                    f"assigned to {current.assigned_to or current.assignment_group or 'nobody'}",
                    audience(Audience.ASSIGNEE_OR_GROUP),
                ),
            )
        if current.priority != old_priority:
            record_event(
                current,
                by=by,
                verb="priority",
                body=reason,
                data={"from": old_priority, "to": current.priority},
                notice=priority_notice(old_priority, current.priority),
            )
        others = [name for name in changed if name not in ASSIGNMENT_FIELDS]
        if others:
            record_event(current, by=by, verb="updated", body=reason, data={"fields": others})
    return current


def ticket_override_priority[T: Ticket](
    rules: TicketRules, ticket: T, *, by: "User", priority: int | None, reason: str
) -> T:
    """Set the priority by hand (``None`` returns it to the matrix). Only holders of the
    override permission, and only with a recorded reason."""
    if not by.has_perm(rules.override_permission):
        raise MoveForbidden("Only managers may override the priority.")
    if not reason.strip():
        raise MoveInvalid({"reason": ["Say why the matrix's priority is wrong."]})
    if priority is not None and priority not in Priority.values:
        raise MoveInvalid({"priority": [f"{priority!r} is not a valid priority."]})
    with transaction.atomic():
        current = lock(ticket)
        if current.status not in rules.open:
            label = current.get_status_display()  # type: ignore[attr-defined]
            raise MoveNotAllowed(f"{current.number} is {label}.")
        old = current.priority
        if priority is None:
            current.priority_override_reason = ""
            recalculate_priority(current)
        else:
            current.priority = priority
            current.priority_override_reason = reason.strip()
        save_audited(current, by=by, reason=f"Priority override: {reason}")
        record_event(
            current,
            by=by,
            verb="priority",
            body=reason,
            data={"from": old, "to": current.priority, "override": priority is not None},
            notice=priority_notice(old, current.priority),
        )
    return current


def ticket_recalculate_priority(rules: TicketRules, ticket: Ticket, *, by: "User | None") -> bool:
    """Apply the current matrix to an open ticket (after the matrix was edited)."""
    with transaction.atomic():
        current = lock(ticket)
        if current.status not in rules.open:
            return False
        old = current.priority
        if not recalculate_priority(current):
            return False
        save_audited(current, by=by, reason="Priority matrix changed")
        record_event(
            current,
            by=by,
            verb="priority",
            body="Priority matrix changed",
            data={"from": old, "to": current.priority},
            notice=priority_notice(old, current.priority),
        )
    return True


def ticket_add_note(
    rules: TicketRules, ticket: Ticket, *, by: "User | None", body: str, internal: bool
) -> None:
    """Add a work note (``internal``, workers only) or a comment the requester sees; not on
    a finished (closed, canceled) ticket, which is read-only for good. ``by=None`` is the
    system writing a work note (a mail from someone who is neither caller nor agent)."""
    if not body.strip():
        raise MoveInvalid({"body": ["Write something."]})
    if by is None and not internal:
        # A comment is someone speaking to the requester; the system has no such voice.
        raise MoveForbidden("Only a person may comment.")
    is_worker = by is None or by.has_perm(rules.work_permission)
    if by is not None and not is_worker and (internal or not ticket.is_requester(by)):
        raise MoveForbidden("Only agents may add work notes." if internal else "Not yours.")
    with transaction.atomic():
        current = lock(ticket)
        if current.is_finished:
            label = current.get_status_display()  # type: ignore[attr-defined]
            raise MoveNotAllowed(f"{current.number} is {label}: it takes no more notes.")
        if internal:
            words = f"work note from {by}" if by is not None else "work note"
            kind, notice = TimelineKind.WORK_NOTE, WORK_NOTE_NOTICE.worded(words)
        else:
            kind, notice = TimelineKind.COMMENT, COMMENT_NOTICE.worded(f"comment from {by}")
        record_event(current, by=by, verb="note", kind=kind, body=body, notice=notice)
