"""Every write to an incident: one function per move, plus create, update, notes and the
priority override. Admin, API, portal and Celery call these and nothing else.

Each move function's keyword arguments are the move's ``inputs`` in ``incidents.models.MOVES``,
so adapters can call ``incident_move(incident, name, by=..., **inputs)`` generically.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import Team
from incidents.models import (
    CloseCode,
    HoldReason,
    Incident,
    ResolutionCode,
    Status,
)
from kernel.dispatch import TicketWorkflow, check_complete, dispatch_move
from kernel.editing import (
    TicketRules,
    refuse_unknown,
    ticket_add_note,
    ticket_override_priority,
    ticket_recalculate_priority,
    ticket_save_new,
    ticket_update,
)
from kernel.errors import MoveInvalid, MoveNotAllowed
from kernel.priority import priority_for
from kernel.transitions import Move
from kernel.workflow import perform_move

if TYPE_CHECKING:
    from accounts.models import User

# In the order the API schema lists them; a tuple so the serializers can use it as is.
EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "caller",
    "contact",
    "source",
    "service",
    "category",
    "subcategory",
    "impact",
    "urgency",
    "severity",
    "assignment_group",
    "assigned_to",
    "detected_at",
)
RULES = TicketRules(
    editable=EDITABLE_FIELDS,
    work_permission="incidents.change_incident",
    override_permission="incidents.override_priority",
    finished=Incident.moves.finished,
    open=Incident.moves.open,
)


def _check_choice(field: str, value: str, choices: type[Any]) -> None:
    if value and value not in choices.values:
        raise MoveInvalid({field: [f"{value!r} is not a valid choice."]})


def incident_create(
    *,
    by: "User | None",
    title: str,
    number: str | None = None,
    reported_at: datetime | None = None,
    **fields: Any,
) -> Incident:
    """Log a new incident. ``number`` and ``reported_at`` are for imports that keep the
    source system's values; everything else in ``fields`` must be an editable field."""
    refuse_unknown(RULES, fields)
    incident = Incident(title=title, **fields)
    incident.reported_at = reported_at or timezone.now()
    if incident.detected_at is None:
        incident.detected_at = incident.reported_at
    incident.priority = priority_for(incident.impact, incident.urgency)
    if incident.assignment_group_id is None and incident.service is not None:
        # Routing: an incident on a service lands in the queue of the team that owns it.
        incident.assignment_group_id = incident.service.owner_team_id
    return ticket_save_new(incident, by=by, number=number, data={"source": incident.source})


def incident_update(
    incident: Incident, *, by: "User | None", changes: dict[str, Any], reason: str = ""
) -> Incident:
    """Edit an open or resolved incident's fields (``kernel.editing.ticket_update``)."""
    return ticket_update(RULES, incident, by=by, changes=changes, reason=reason)


def incident_override_priority(
    incident: Incident, *, by: "User", priority: int | None, reason: str
) -> Incident:
    """Set the priority by hand (``None`` returns it to the matrix). Managers only, and
    only with a recorded reason."""
    return ticket_override_priority(RULES, incident, by=by, priority=priority, reason=reason)


def incident_recalculate_priority(incident: Incident, *, by: "User | None") -> bool:
    """Apply the current matrix to an open incident (after the matrix was edited)."""
    return ticket_recalculate_priority(RULES, incident, by=by)


def incident_add_note(incident: Incident, *, by: "User", body: str, internal: bool) -> Incident:
    """Add a work note (``internal``, agents only) or a comment the caller sees. A caller's
    comment on an incident awaiting the caller puts it back in progress."""
    with transaction.atomic():
        ticket_add_note(RULES, incident, by=by, body=body, internal=internal)
        if (
            not internal
            and incident.is_requester(by)
            and incident.status == Status.ON_HOLD
            and incident.hold_reason == HoldReason.AWAITING_CALLER
        ):
            return incident_resume(incident, by=by, note="The caller replied.")
    return incident


# --- moves ----------------------------------------------------------------------------


def _stamp_acknowledged(incident: Incident, now: datetime) -> None:
    if incident.acknowledged_at is None:
        incident.acknowledged_at = now


def incident_acknowledge(incident: Incident, *, by: "User | None") -> Incident:
    def apply(ticket: Incident, move: Move) -> None:
        _stamp_acknowledged(ticket, timezone.now())
        group_id = ticket.assignment_group_id
        if (
            by is not None
            and group_id is not None
            and ticket.assigned_to_id is None
            and by.teams.filter(pk=group_id).exists()
        ):
            ticket.assigned_to = by  # the acknowledging agent takes it

    return _move(incident, "acknowledge", by=by, inputs={}, reason="", apply=apply)


def incident_hold(
    incident: Incident, *, by: "User | None", hold_reason: str, note: str = ""
) -> Incident:
    _check_choice("hold_reason", hold_reason, HoldReason)

    def apply(ticket: Incident, move: Move) -> dict[str, Any]:
        _stamp_acknowledged(ticket, timezone.now())
        ticket.hold_reason = hold_reason
        return {"hold_reason": hold_reason}

    label = HoldReason(hold_reason).label if hold_reason else ""
    return _move(
        incident,
        "hold",
        by=by,
        inputs={"hold_reason": hold_reason, "note": note},
        reason=f"{label}: {note}" if note else label,
        apply=apply,
    )


def incident_resume(incident: Incident, *, by: "User | None", note: str = "") -> Incident:
    def apply(ticket: Incident, move: Move) -> None:
        ticket.hold_reason = ""

    return _move(incident, "resume", by=by, inputs={"note": note}, reason=note, apply=apply)


def incident_resolve(
    incident: Incident, *, by: "User | None", resolution_code: str, resolution_notes: str
) -> Incident:
    _check_choice("resolution_code", resolution_code, ResolutionCode)

    def apply(ticket: Incident, move: Move) -> dict[str, Any]:
        now = timezone.now()
        _stamp_acknowledged(ticket, now)
        ticket.hold_reason = ""
        ticket.resolution_code = resolution_code
        ticket.resolution_notes = resolution_notes.strip()
        ticket.resolved_at = now
        if ticket.mitigated_at is None:
            ticket.mitigated_at = now  # impact ended by now at the latest
        return {"resolution_code": resolution_code}

    return _move(
        incident,
        "resolve",
        by=by,
        inputs={"resolution_code": resolution_code, "resolution_notes": resolution_notes},
        reason=resolution_notes.strip(),
        apply=apply,
    )


def incident_reopen(incident: Incident, *, by: "User | None", reason: str) -> Incident:
    def apply(ticket: Incident, move: Move) -> dict[str, Any]:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        ticket.resolution_code = ""
        ticket.resolution_notes = ""
        return {"reopen_count": ticket.reopen_count}

    return _move(
        incident, "reopen", by=by, inputs={"reason": reason}, reason=reason.strip(), apply=apply
    )


def _closer(code: str, notes: str) -> Callable[[Incident, Move], dict[str, Any]]:
    def apply(ticket: Incident, move: Move) -> dict[str, Any]:
        ticket.closed_at = timezone.now()
        ticket.close_code = code
        ticket.close_notes = notes.strip()
        ticket.hold_reason = ""
        return {"close_code": code}

    return apply


def incident_confirm(incident: Incident, *, by: "User | None", note: str = "") -> Incident:
    return _move(
        incident,
        "confirm",
        by=by,
        inputs={"note": note},
        reason=note.strip() or "Fix confirmed",
        apply=_closer(CloseCode.CONFIRMED, note),
    )


def incident_close(
    incident: Incident, *, by: "User | None", note: str = "", code: str = CloseCode.CLOSED_BY_AGENT
) -> Incident:
    return _move(
        incident,
        "close",
        by=by,
        inputs={"note": note},
        reason=note.strip(),
        apply=_closer(code, note),
    )


def incident_cancel(incident: Incident, *, by: "User | None", reason: str) -> Incident:
    return _move(
        incident,
        "cancel",
        by=by,
        inputs={"reason": reason},
        reason=reason.strip(),
        apply=_closer(CloseCode.CANCELED, reason),
    )


def _escalation_team(value: Any) -> Team:
    """The team a functional escalation names: a ``Team`` (forms, serializers) or its id
    (direct callers). Looked up after the state check, so a refused move is refused for its
    state whatever it names."""
    if isinstance(value, Team):
        team: Team | None = value
    else:
        try:
            team = Team.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            team = None
    if team is None or not team.is_active:
        raise MoveInvalid({"assignment_group": [f"No active team {value!r}."]})
    return team


def incident_escalate_group(
    incident: Incident, *, by: "User | None", assignment_group: Any, reason: str
) -> Incident:
    """Functional escalation: another group takes over. The assignee belonged to the old
    group, so the incident goes back to the new group's queue for someone to take."""

    def apply(ticket: Incident, move: Move) -> dict[str, Any]:
        team = _escalation_team(assignment_group)
        if team.pk == ticket.assignment_group_id:
            raise MoveInvalid({"assignment_group": [f"{team} already has the incident."]})
        before = {"group": _name(ticket.assignment_group), "assignee": _name(ticket.assigned_to)}
        if ticket.assignment_group_id or ticket.assigned_to_id:
            ticket.reassignment_count += 1  # a first assignment is not a reassignment
        ticket.assignment_group = team
        ticket.assigned_to = None
        return {
            "group": team.pk,
            "assignment": {"from": before, "to": {"group": team.name, "assignee": None}},
        }

    return _move(
        incident,
        "escalate_group",
        by=by,
        inputs={"assignment_group": assignment_group, "reason": reason},
        reason=reason.strip(),
        apply=apply,
    )


def incident_escalate_manager(incident: Incident, *, by: "User | None", reason: str) -> Incident:
    """Hierarchical escalation: the assignment group's manager hears about it (the
    notifications app reads the timeline event). Refused when there is nobody to tell."""

    def apply(ticket: Incident, move: Move) -> dict[str, Any]:
        group = ticket.assignment_group
        if group is None or group.manager_id is None:
            message = "Assign a group first." if group is None else f"{group} has no manager."
            raise MoveInvalid({"reason": [f"Nobody to escalate to: {message}"]})
        return {"manager": group.manager_id}

    return _move(
        incident,
        "escalate_manager",
        by=by,
        inputs={"reason": reason},
        reason=reason.strip(),
        apply=apply,
    )


def _name(value: object | None) -> str | None:
    return None if value is None else str(value)


def _move(
    incident: Incident,
    name: str,
    *,
    by: "User | None",
    inputs: dict[str, Any],
    reason: str,
    apply: Callable[[Incident, Move], dict[str, Any] | None],
) -> Incident:
    return perform_move(incident, name, by=by, inputs=inputs, reason=reason, apply=apply)


MOVE_FUNCTIONS: dict[str, Callable[..., Incident]] = {
    "acknowledge": incident_acknowledge,
    "hold": incident_hold,
    "resume": incident_resume,
    "resolve": incident_resolve,
    "reopen": incident_reopen,
    "confirm": incident_confirm,
    "close": incident_close,
    "cancel": incident_cancel,
    "escalate_group": incident_escalate_group,
    "escalate_manager": incident_escalate_manager,
}
check_complete(Incident, MOVE_FUNCTIONS)


def incident_move(incident: Incident, name: str, *, by: "User | None", **inputs: Any) -> Incident:
    """Make move ``name`` with the inputs the move table declares for it."""
    return dispatch_move(MOVE_FUNCTIONS, incident, name, by=by, **inputs)


WORKFLOW = TicketWorkflow(
    create=incident_create,
    update=incident_update,
    move=incident_move,
    add_note=incident_add_note,
    override_priority=incident_override_priority,
    editable_fields=EDITABLE_FIELDS,
)


def incident_auto_close_due(*, now: datetime | None = None) -> int:
    """Close resolved incidents whose caller has not answered within the configured period.
    Each goes through the close move, so each gets its history row and timeline event."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.INCIDENT_AUTO_CLOSE_DAYS)
    due = Incident.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff).only("pk")
    closed = 0
    for incident in due.iterator(chunk_size=500):
        try:
            incident_close(
                incident,
                by=None,
                note=f"No answer from the caller in {settings.INCIDENT_AUTO_CLOSE_DAYS} days.",
                code=CloseCode.AUTO_CLOSED,
            )
        except MoveNotAllowed:
            continue  # reopened or closed since the query: nothing to do
        closed += 1
    return closed
