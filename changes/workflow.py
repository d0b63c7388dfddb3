"""Every write to a change: create (from a template for standard changes), edit, one
function per move, notes and priority on the kernel. Approvals are in
``changes.approvals``; links to problems and incidents in ``changes.links``.

Adapters call ``WORKFLOW``; ``change_move(change, name, by=..., **inputs)`` makes a move by name.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from changes.conflicts import ScheduleConflict, conflicts_for
from changes.models import (
    TOLD,
    ApprovalState,
    Change,
    ChangeApproval,
    ChangeTemplate,
    CloseCode,
    Risk,
    Status,
    Type,
)
from changes.risk import assess_risk, unknown_questions
from kernel.editing import (
    TicketRules,
    refuse_unknown,
    ticket_add_note,
    ticket_override_priority,
    ticket_save_new,
    ticket_update,
)
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from kernel.moves import Choice, Done, MoveSet, Reason, Text
from kernel.notices import Notice, NoticeKind
from kernel.priority import priority_for
from kernel.workflow import record_event, save_audited

if TYPE_CHECKING:
    from accounts.models import User

EDITABLE_FIELDS: tuple[str, ...] = (
    "type",
    "title",
    "description",
    "justification",
    "services",
    "impact",
    "urgency",
    "risk_answers",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "planned_start",
    "planned_end",
    "customer_visible",
    "assignment_group",
    "assigned_to",
)
RULES = TicketRules(
    model=Change,
    editable=EDITABLE_FIELDS,
    work_permission="changes.change_change",
    override_permission="changes.override_priority",
)
PLANS = ("implementation_plan", "backout_plan", "test_plan")


def _check_answers(answers: Any) -> None:
    if (
        not isinstance(answers, dict)
        or unknown_questions(answers)
        or not all(value is None or isinstance(value, bool) for value in answers.values())
    ):
        raise MoveInvalid({"risk_answers": ["Answer the risk questions by name, true/false."]})


def change_create(
    *,
    by: "User | None",
    title: str,
    template: ChangeTemplate | None = None,
    services: Any = (),
    **fields: Any,
) -> Change:
    """Log a change. A standard change comes only from an active template, which fills in
    its plans and makes it low risk; normal and emergency changes never have one."""
    refuse_unknown(RULES, fields)
    kind = fields.get("type", Type.STANDARD if template else Type.NORMAL)
    if (kind == Type.STANDARD) != (template is not None):
        raise MoveInvalid({"template": ["Standard changes, and only they, come from a template."]})
    if template is not None and not template.is_active:
        raise MoveInvalid({"template": [f"{template} is retired."]})
    change = Change(title=title, requested_by=by, template=template, **fields)
    change.type = kind
    if template is not None:
        for name in PLANS:
            setattr(change, name, getattr(change, name) or getattr(template, name))
        change.risk = Risk.LOW  # pre-approved: the CAB judged the risk once
    else:
        _check_answers(change.risk_answers)
        change.risk = assess_risk(change.risk_answers)
    change.priority = priority_for(change.impact, change.urgency)
    with transaction.atomic():
        ticket_save_new(change, by=by, data={"type": change.type, "risk": change.risk})
        change.services.set(services)
    return change


def change_update(
    change: Change, *, by: "User | None", changes: dict[str, Any], reason: str = ""
) -> Change:
    """Edit a change's fields. The type changes only in New before any approval, and never
    to or from standard (which only templates make); the risk follows the answers."""
    changes = dict(changes)
    services = changes.pop("services", None)
    if "type" in changes and changes["type"] != change.type:
        if Type.STANDARD in (changes["type"], change.type):
            raise MoveInvalid({"type": ["Standard changes come from templates only."]})
        if change.status != Status.NEW or change.approvals.exists():
            raise MoveInvalid({"type": ["The type changes only in New, before any approval."]})
    if "risk_answers" in changes:
        _check_answers(changes["risk_answers"])
    with transaction.atomic():
        updated = ticket_update(RULES, change, by=by, changes=changes, reason=reason)
        if "risk_answers" in changes and updated.type != Type.STANDARD:
            risk = assess_risk(updated.risk_answers)
            if risk != updated.risk:
                old, updated.risk = updated.risk, risk
                save_audited(updated, by=by, reason=f"Risk reassessed: {risk}")
                record_event(
                    updated,
                    by=by,
                    verb="risk",
                    data={"from": old, "to": risk},
                    notice=Notice(NoticeKind.STATE_CHANGED, f"risk reassessed: {risk}", TOLD),
                )
        if services is not None and set(services) != set(updated.services.all()):
            updated.services.set(services)
            names = sorted(str(service) for service in services)
            record_event(updated, by=by, verb="services", body=", ".join(names))
    return updated


def change_override_priority(
    change: Change, *, by: "User", priority: int | None, reason: str
) -> Change:
    return ticket_override_priority(RULES, change, by=by, priority=priority, reason=reason)


def change_add_note(change: Change, *, by: "User", body: str, internal: bool) -> Change:
    ticket_add_note(RULES, change, by=by, body=body, internal=internal)
    return change


# --- moves ------------------------------------------------------------------------------
# Each function is one move of ``changes.models.MOVES`` (``change_<move>``); its annotated
# keywords are what the move asks for (``kernel.moves``).

moves = MoveSet(Change, "change")

APPROVAL_TODO = "Approve or reject it on the change's page."
# Told by name: the approvers as they were when asked.
APPROVAL_NOTICE = Notice(
    NoticeKind.APPROVAL_REQUESTED, "your approval is requested", shows=("todo",)
)


@moves.define
def change_assess(change: Change, *, by: "User | None") -> None:
    return None


@moves.define
def change_authorize(change: Change, *, by: "User | None") -> Done:
    """Ask for approval: one emergency approver for an emergency change; for a normal one
    the owner team of each affected service (the CAB for that service)."""
    if change.type == Type.EMERGENCY:
        asked = [ChangeApproval(change=change, emergency=True)]
    else:
        teams = {service.owner_team for service in change.services.select_related("owner_team")}
        if not teams:
            raise MoveInvalid({"services": ["Name the affected services first."]})
        asked = [ChangeApproval(change=change, group=team) for team in teams]
    for approval in asked:
        save_audited(approval, by=by, reason="Approval requested")

    def request_approval(moved: Change) -> None:
        approvers = approvers_of(moved, asked)
        # After the move's own event, so the timeline reads "authorize", then who is asked.
        record_event(
            moved,
            by=by,
            verb="approval_requested",
            body="\n".join(approval.approver_label for approval in asked),
            notice=APPROVAL_NOTICE.naming(approvers),
            data={"approvers": sorted(approvers), "todo": APPROVAL_TODO},
        )

    return Done(
        data={"approvals": [approval.approver_label for approval in asked]},
        then=request_approval,
    )


def approvers_of(change: Change, approvals: Iterable[ChangeApproval]) -> set[int]:
    """Who may decide ``approvals``: the user asked, the members of the group asked, or for
    an emergency change everyone holding the emergency permission; never the change's
    requester or assignee, who may not approve their own change."""
    people = get_user_model()._default_manager
    users = people.filter(is_active=True)
    ids: set[int] = set()
    for approval in approvals:
        if approval.approver_id is not None:
            ids.add(approval.approver_id)
        elif approval.group_id is not None:
            ids.update(users.filter(teams=approval.group_id).values_list("pk", flat=True))
        elif approval.emergency:
            # Superusers may decide too, but are not asked: they approve by exception.
            # Named: django-axes' backend sits first in AUTHENTICATION_BACKENDS.
            holders = people.with_perm(
                "changes.approve_emergency",
                include_superusers=False,
                backend="accounts.backends.PermissionBackend",
            )
            ids.update(holders.values_list("pk", flat=True))
    return ids - {change.requested_by_id, change.assigned_to_id}


def approvals_missing(change: Change) -> list[str]:
    """Who has yet to approve the current round; empty when the change may be scheduled.
    Standard changes are pre-approved."""
    if change.type == Type.STANDARD:
        return []
    current = [a for a in change.approvals.all() if a.state != ApprovalState.CANCELED]
    if not current:
        return ["nobody was asked"]
    if change.type == Type.EMERGENCY:
        approved = any(a.state == ApprovalState.APPROVED for a in current)
        return [] if approved else ["an emergency approver"]
    return [a.approver_label for a in current if a.state != ApprovalState.APPROVED]


@moves.define
def change_schedule(
    change: Change,
    *,
    by: "User | None",
    override_reason: Annotated[
        str, Text("Managers: why schedule despite the conflicts.", lines=3)
    ] = "",
) -> Done:
    """Book the change's window. Refused while approvals are missing, and on a conflict
    (another change on one of its services, a blackout) unless a manager overrides it
    with a reason."""
    if change.planned_start is None or change.planned_end is None:
        raise MoveInvalid({"planned_start": ["Plan the window before scheduling."]})
    if not change.services.exists():
        raise MoveInvalid({"services": ["Name the affected services first."]})
    missing = approvals_missing(change)
    if missing:
        raise MoveNotAllowed(f"Cannot schedule: awaiting {', '.join(missing)}.")
    conflicts = conflicts_for(change)
    if conflicts and not override_reason.strip():
        raise ScheduleConflict(conflicts)
    if conflicts:
        if by is not None and not by.has_perm("changes.override_conflict"):
            raise MoveForbidden("Only managers may schedule over a conflict.")
        change.conflict_override_reason = override_reason.strip()
    return Done(
        reason=override_reason.strip(),
        data={
            "conflicts_overridden": [str(conflict) for conflict in conflicts],
            # The booked window, for the "change scheduled" notice.
            "planned_start": change.planned_start.isoformat(),
            "planned_end": change.planned_end.isoformat(),
        },
    )


@moves.define
def change_implement(change: Change, *, by: "User | None") -> None:
    change.actual_start = timezone.now()


@moves.define
def change_review(change: Change, *, by: "User | None") -> None:
    change.actual_end = timezone.now()


@moves.define
def change_close(
    change: Change,
    *,
    by: "User | None",
    close_code: Annotated[str, Choice(CloseCode, "How it went.")],
    close_notes: Annotated[str, Text("What happened.")],
) -> Done:
    change.close_code = close_code
    change.close_notes = close_notes.strip()
    change.closed_at = timezone.now()
    return Done(reason=close_notes.strip(), data={"close_code": close_code})


def _drop_pending(change: Change, by: "User | None") -> None:
    """Approvals still open are moot once the change leaves Authorize."""
    for approval in change.approvals.filter(state=ApprovalState.REQUESTED):
        approval.state = ApprovalState.CANCELED
        save_audited(approval, by=by, reason=f"Change left Authorize ({change.number})")


@moves.define
def change_return_to_new(change: Change, *, by: "User | None", reason: Reason) -> Done:
    _drop_pending(change, by)
    return Done(reason=reason.strip())


@moves.define
def change_cancel(change: Change, *, by: "User | None", reason: Reason) -> Done:
    _drop_pending(change, by)
    change.close_notes = reason.strip()
    change.closed_at = timezone.now()
    return Done(reason=reason.strip())


WORKFLOW = moves.workflow(
    create=change_create,
    update=change_update,
    add_note=change_add_note,
    override_priority=change_override_priority,
    editable_fields=EDITABLE_FIELDS,
)
change_move = WORKFLOW.move
