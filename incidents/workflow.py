"""Every write to an incident: one function per move, plus create, update, notes and the
priority override. Admin, API, portal and Celery call these and nothing else.

Adapters call ``WORKFLOW`` (``incident_move(incident, name, by=..., **inputs)`` makes a move by
name); everything else calls the functions.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import Service, Team
from incidents.major import incident_assign_role
from incidents.models import (
    OPEN_STATES,
    CloseCode,
    HoldReason,
    Incident,
    ResolutionCode,
    Role,
    Severity,
    Status,
)
from kernel.editing import (
    TicketRules,
    is_reassignment,
    refuse_unknown,
    ticket_add_note,
    ticket_override_priority,
    ticket_recalculate_priority,
    ticket_save_new,
    ticket_update,
)
from kernel.errors import MoveInvalid, MoveNotAllowed
from kernel.moves import Choice, Done, MoveSet, Note, Reason, TeamRef, Text
from kernel.priority import priority_for

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
    "location",
    "configuration_item",
    "impact",
    "urgency",
    "severity",
    "assignment_group",
    "assigned_to",
    "detected_at",
    "war_room_url",
)
RULES = TicketRules(
    model=Incident,
    editable=EDITABLE_FIELDS,
    work_permission="incidents.change_incident",
    override_permission="incidents.override_priority",
)


def incident_create(
    *,
    by: "User | None",
    title: str,
    number: str | None = None,
    reported_at: datetime | None = None,
    note: str = "",
    acknowledge: bool | None = None,
    **fields: Any,
) -> Incident:
    """Log a new incident. ``number`` and ``reported_at`` are for imports that keep the
    source system's values; ``note`` and ``acknowledge`` say what the "logged" notice
    adds and whether the caller gets it (``kernel.editing.ticket_save_new``); everything
    else in ``fields`` must be an editable field."""
    refuse_unknown(RULES, fields)
    incident = Incident(title=title, **fields)
    incident.reported_at = reported_at or timezone.now()
    if incident.detected_at is None:
        incident.detected_at = incident.reported_at
    incident.priority = priority_for(incident.impact, incident.urgency)
    if incident.assignment_group_id is None and incident.service is not None:
        # Routing: an incident on a service lands in the queue of the team that owns it.
        incident.assignment_group_id = incident.service.owner_team_id
    # Not one transaction with the declaration: callers (the API, the admin, alerts) are
    # in theirs, and an inner one would cost two statements on every incident logged.
    saved = ticket_save_new(
        incident,
        by=by,
        number=number,
        data={"source": incident.source},
        note=note,
        acknowledge=acknowledge,
    )
    return _declare_if_due(saved, by=by)


def incident_update(
    incident: Incident, *, by: "User | None", changes: dict[str, Any], reason: str = ""
) -> Incident:
    """Edit an open or resolved incident's fields (``kernel.editing.ticket_update``).
    The detected time is a milestone: a person changes it only with a reason."""
    detected = changes.get("detected_at", incident.detected_at)
    if by is not None and detected != incident.detected_at and not reason.strip():
        raise MoveInvalid({"reason": ["Say why the detected time changes."]})
    grading = bool({"impact", "urgency", "severity", "service"} & set(changes))
    # As stored: the admin hands over the instance its form already changed.
    before = _graded(incident) if grading else None
    updated = ticket_update(RULES, incident, by=by, changes=changes, reason=reason)
    if before is not None:
        updated = _declare_if_due(updated, by=by, before=before)
    return updated


def _graded(incident: Incident) -> Incident:
    """The stored priority, severity and service rule of ``incident``."""
    fields = ("priority", "severity", "service", "service__auto_declare_major")
    return Incident.objects.select_related("service").only(*fields).get(pk=incident.pk)


# --- major incidents ------------------------------------------------------------------


def declares_itself(incident: Incident) -> bool:
    """Whether the incident is a major incident by its service's rule (P1 or SEV1 unless
    the service says otherwise; ``Service.auto_declare_major``)."""
    p1, severity = incident.priority == 1, incident.severity
    if not p1 and severity not in (Severity.SEV1, Severity.SEV2):
        return False  # no rule declares it: no need to read the service
    rule = incident.service.auto_declare_major if incident.service is not None else None
    match rule or Service.AutoDeclare.P1_OR_SEV1:
        case Service.AutoDeclare.P1_OR_SEV1:
            return p1 or severity == Severity.SEV1
        case Service.AutoDeclare.P1_OR_SEV2:
            return p1 or severity in (Severity.SEV1, Severity.SEV2)
        case Service.AutoDeclare.SEV1:
            return severity == Severity.SEV1
    return False


def _raised(before: Incident, after: Incident) -> bool:
    """Whether an edit raised the incident to what its service declares: over the line
    from below, or to P1 or SEV1 from a lower grade. An edit that leaves it where it was
    does not (a manager may have undeclared it)."""
    if not declares_itself(before):
        return True
    to_p1 = after.priority == 1 and before.priority != 1
    return to_p1 or (after.severity == Severity.SEV1 and before.severity != Severity.SEV1)


def _declare_if_due(
    incident: Incident, *, by: "User | None", before: Incident | None = None
) -> Incident:
    """Declare a P1/SEV1 (by its service's rule) that is not declared yet, when it is
    logged or ``before`` an edit it was lower. The system declares it; whoever logged or
    raised it, if an agent, is the commander."""
    if incident.is_major or incident.status not in OPEN_STATES or not declares_itself(incident):
        return incident
    if before is not None and not _raised(before, incident):
        return incident
    grade = "P1" if incident.priority == 1 else f"SEV{incident.severity}"
    commander = by if by is not None and by.is_agent else None
    return incident_declare(
        incident, by=None, reason=f"{grade}: declared automatically", commander=commander
    )


def incident_assign_group(incident: Incident, *, by: "User | None", team: Team) -> Incident:
    """Hand the incident to ``team``'s queue (the admin's bulk "assign to group"). An
    assignee outside the team cannot keep it: the group triages it."""
    assignee = incident.assigned_to_id
    keep = assignee is not None and team.members.filter(pk=assignee).exists()
    changes: dict[str, Any] = {"assignment_group": team, **({} if keep else {"assigned_to": None})}
    return incident_update(incident, by=by, changes=changes, reason=f"Assigned to {team}")


def incident_override_priority(
    incident: Incident, *, by: "User", priority: int | None, reason: str
) -> Incident:
    """Set the priority by hand (``None`` returns it to the matrix). Managers only, and
    only with a recorded reason."""
    updated = ticket_override_priority(RULES, incident, by=by, priority=priority, reason=reason)
    return _declare_if_due(updated, by=by, before=incident)


def incident_recalculate_priority(incident: Incident, *, by: "User | None") -> bool:
    """Apply the current matrix to an open incident (after the matrix was edited). One
    raised to P1 is declared by the system, its assignee (not whoever applied the matrix
    to every open incident) in command."""
    changed = ticket_recalculate_priority(RULES, incident, by=by)
    if changed:
        # Only its priority changed: it was raised to what its service declares only if
        # that is P1 now (its severity qualified it before as much as now).
        after = Incident.objects.select_related("service").get(pk=incident.pk)
        if after.priority == 1:
            _declare_if_due(after, by=None)
    return changed


def incident_add_note(
    incident: Incident, *, by: "User | None", body: str, internal: bool
) -> Incident:
    """Add a work note (``internal``, agents only, or the system's with ``by=None``) or a
    comment the caller sees. A caller's comment on an incident awaiting the caller puts it
    back in progress."""
    with transaction.atomic():
        ticket_add_note(RULES, incident, by=by, body=body, internal=internal)
        if (
            by is not None
            and not internal
            and incident.awaiting_caller
            and incident.is_requester(by)
        ):
            return incident_resume(incident, by=by, note="The caller replied.")
    return incident


# --- moves ----------------------------------------------------------------------------
# Each function is one move of ``incidents.models.MOVES`` (``incident_<move>``); its
# annotated keywords are what the move asks for. ``kernel.moves`` runs it on the locked
# incident once the state, the rules and the user's rights allow the move.

moves = MoveSet(Incident, "incident")
ToGroup = Annotated[
    Team, TeamRef("The id of the team that takes the incident over.", label="To group")
]


def _stamp_acknowledged(incident: Incident, now: datetime) -> None:
    if incident.acknowledged_at is None:
        incident.acknowledged_at = now


@moves.define
def incident_declare(
    incident: Incident, *, by: "User | None", reason: Reason, commander: "User | None" = None
) -> Done:
    """``commander`` is for the automatic declaration (the agent who raised it); a person
    declaring is the commander until someone else is named."""
    incident.major_since = timezone.now()
    lead = by or commander or incident.assigned_to

    def name_commander(current: Incident) -> None:
        if lead is not None and lead.is_agent:
            incident_assign_role(
                current, by=by, role=Role.COMMANDER, user=lead, reason="Declared the incident"
            )

    return Done(reason=reason.strip(), then=name_commander)


@moves.define
def incident_undeclare(incident: Incident, *, by: "User | None", reason: Reason) -> Done:
    """Refused while child incidents are open: they are resolved with a major incident,
    and would wait for an incident that no longer resolves them."""
    open_children = incident.children.filter(status__in=OPEN_STATES)
    if open_children.exists():
        numbers = ", ".join(open_children.order_by("pk").values_list("number", flat=True)[:5])
        raise MoveNotAllowed(
            f"Cannot undeclare major incident: its child incidents {numbers} are open; "
            "unlink them first."
        )
    incident.major_since = None
    return Done(reason=reason.strip())


@moves.define
def incident_acknowledge(incident: Incident, *, by: "User | None") -> Done:
    _stamp_acknowledged(incident, timezone.now())
    group_id = incident.assignment_group_id
    if (
        by is not None
        and group_id is not None
        and incident.assigned_to_id is None
        and by.teams.filter(pk=group_id).exists()
    ):
        incident.assigned_to = by  # the acknowledging agent takes it
    return Done()


@moves.define
def incident_hold(
    incident: Incident,
    *,
    by: "User | None",
    hold_reason: Annotated[
        str, Choice(HoldReason, "What the incident waits for.", label="Waiting for")
    ],
    note: Note = "",
) -> Done:
    _stamp_acknowledged(incident, timezone.now())
    incident.hold_reason = hold_reason
    label = HoldReason(hold_reason).label
    return Done(reason=f"{label}: {note}" if note else label, data={"hold_reason": hold_reason})


@moves.define
def incident_resume(incident: Incident, *, by: "User | None", note: Note = "") -> Done:
    incident.hold_reason = ""
    return Done(reason=note)


@moves.define
def incident_resolve(
    incident: Incident,
    *,
    by: "User | None",
    resolution_code: Annotated[str, Choice(ResolutionCode, "How it was resolved.")],
    resolution_notes: Annotated[str, Text("What was done; the caller reads it.")],
) -> Done:
    now = timezone.now()
    _stamp_acknowledged(incident, now)
    incident.hold_reason = ""
    incident.resolution_code = resolution_code
    incident.resolution_notes = resolution_notes.strip()
    incident.resolved_at = now
    if incident.mitigated_at is None:
        incident.mitigated_at = now  # impact ended by now at the latest
    notes = resolution_notes.strip()

    def resolve_children(parent: Incident) -> None:
        """The incidents reporting the same outage are resolved with it, each by its
        own move (history row, timeline event, its caller told)."""
        children = Incident.objects.filter(major_incident=parent, status__in=OPEN_STATES)
        for child in children.order_by("pk"):
            try:
                incident_resolve(
                    child,
                    by=by,
                    resolution_code=resolution_code,
                    resolution_notes=f"Resolved with major incident {parent.number}: {notes}",
                )
            except MoveNotAllowed:
                continue  # resolved or canceled meanwhile

    return Done(
        reason=notes,
        data={"resolution_code": resolution_code},
        then=resolve_children if incident.is_major else None,
    )


@moves.define
def incident_reopen(incident: Incident, *, by: "User | None", reason: Reason) -> Done:
    incident.reopen_count += 1
    incident.resolved_at = None
    incident.resolution_code = ""
    incident.resolution_notes = ""
    return Done(reason=reason.strip(), data={"reopen_count": incident.reopen_count})


def _close(incident: Incident, code: str, notes: str) -> Done:
    incident.closed_at = timezone.now()
    incident.close_code = code
    incident.close_notes = notes.strip()
    incident.hold_reason = ""
    return Done(reason=notes.strip(), data={"close_code": code})


@moves.define
def incident_confirm(incident: Incident, *, by: "User | None", note: Note = "") -> Done:
    done = _close(incident, CloseCode.CONFIRMED, note)
    return Done(reason=done.reason or "Fix confirmed", data=done.data)


@moves.define
def incident_close(
    incident: Incident, *, by: "User | None", note: Note = "", code: str = CloseCode.CLOSED_BY_AGENT
) -> Done:
    """``code`` is for the system's own closing (no answer from the caller); adapters
    cannot set it."""
    return _close(incident, code, note)


@moves.define
def incident_cancel(incident: Incident, *, by: "User | None", reason: Reason) -> Done:
    return _close(incident, CloseCode.CANCELED, reason)


@moves.define
def incident_escalate_group(
    incident: Incident,
    *,
    by: "User | None",
    assignment_group: ToGroup,
    reason: Reason,
) -> Done:
    """Functional escalation: another group takes over. The assignee belonged to the old
    group, so the incident goes back to the new group's queue for someone to take."""
    team = assignment_group
    if team.pk == incident.assignment_group_id:
        raise MoveInvalid({"assignment_group": [f"{team} already has the incident."]})
    before = {"group": _name(incident.assignment_group), "assignee": _name(incident.assigned_to)}
    if is_reassignment(incident.assignment_group_id, team.pk):
        incident.reassignment_count += 1
    incident.assignment_group = team
    incident.assigned_to = None
    return Done(
        reason=reason.strip(),
        data={
            "group": team.pk,
            "assignment": {"from": before, "to": {"group": team.name, "assignee": None}},
        },
        words=f"escalated to {team}",
    )


@moves.define
def incident_escalate_manager(
    incident: Incident,
    *,
    by: "User | None",
    reason: Reason,
) -> Done:
    """Hierarchical escalation: the assignment group's manager hears about it. Refused
    when there is nobody to tell."""
    group = incident.assignment_group
    if group is None or group.manager_id is None:
        message = "Assign a group first." if group is None else f"{group} has no manager."
        raise MoveInvalid({"reason": [f"Nobody to escalate to: {message}"]})
    return Done(reason=reason.strip(), data={"manager": group.manager_id})


def _name(value: object | None) -> str | None:
    return None if value is None else str(value)


WORKFLOW = moves.workflow(
    create=incident_create,
    update=incident_update,
    add_note=incident_add_note,
    override_priority=incident_override_priority,
    editable_fields=EDITABLE_FIELDS,
)
incident_move = WORKFLOW.move


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
