"""Approving and rejecting a change. Approvers decide one requested approval each; a
rejection sends the change back to New with the approver's comment. Nobody approves a
change they requested or are assigned to."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from changes.models import ApprovalState, Change, ChangeApproval, Status
from changes.workflow import change_return_to_new
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from kernel.workflow import lock, record_event, save_audited

if TYPE_CHECKING:
    from accounts.models import User


def awaiting(user: "User") -> Q:
    """Requested approvals ``user`` may decide (a filter on ``ChangeApproval``)."""
    mine = Q(approver=user) | Q(group__members=user)
    if user.has_perm("changes.approve_emergency"):
        mine |= Q(emergency=True)
    return Q(state=ApprovalState.REQUESTED) & mine


def changes_awaiting(user: "User") -> QuerySet[Change]:
    """Changes in Authorize waiting for ``user``'s decision, not their own."""
    pending = ChangeApproval.objects.filter(awaiting(user)).values("change")
    return (
        Change.objects.filter(status=Status.AUTHORIZE, pk__in=pending)
        .exclude(requested_by=user)
        .exclude(assigned_to=user)
    )


def may_decide(change: Change, user: "User") -> bool:
    """Whether ``user`` has a decision to make on ``change`` now (for offering the buttons;
    the decision itself checks again under the row lock)."""
    return (
        change.status == Status.AUTHORIZE
        and user.pk not in (change.requested_by_id, change.assigned_to_id)
        and change.approvals.filter(awaiting(user)).exists()
    )


def _decide(change: Change, *, by: "User", state: str, comment: str) -> ChangeApproval:
    current = lock(change)
    if current.status != Status.AUTHORIZE:
        raise MoveNotAllowed(
            f"Cannot decide on {current.number}: it is {current.get_status_display()}, "
            "not awaiting authorization."
        )
    if by.pk in (current.requested_by_id, current.assigned_to_id):
        raise MoveForbidden(f"Nobody approves their own change: {current.number} is yours.")
    approval = current.approvals.filter(awaiting(by)).order_by("pk").first()
    if approval is None:
        raise MoveForbidden(f"{current.number} is not awaiting your approval.")
    approval.state = state
    approval.comment = comment.strip()
    approval.decided_by = by
    approval.decided_at = timezone.now()
    save_audited(approval, by=by, reason=f"{approval.get_state_display()}: {comment.strip()}")
    record_event(
        current,
        by=by,
        verb=state,
        body=comment.strip(),
        data={"approver": approval.approver_label},
    )
    return approval


def change_approve(change: Change, *, by: "User", comment: str = "") -> Change:
    with transaction.atomic():
        _decide(change, by=by, state=ApprovalState.APPROVED, comment=comment)
    change.refresh_from_db()
    return change


def change_reject(change: Change, *, by: "User", comment: str) -> Change:
    if not comment.strip():
        raise MoveInvalid({"comment": ["Say why: the requester reads it."]})
    with transaction.atomic():
        _decide(change, by=by, state=ApprovalState.REJECTED, comment=comment)
        return change_return_to_new(change, by=by, reason=f"Rejected: {comment.strip()}")
