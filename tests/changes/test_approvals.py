"""Approvals: approvers decide their own requested approvals; nobody approves their own
change; a rejection returns the change to New with the comment; scheduling waits for
every required approval (one emergency approver for an emergency change)."""

import pytest

from changes.approvals import change_approve, change_reject, changes_awaiting
from changes.models import ApprovalState, Status
from changes.workflow import change_move, change_update
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed

pytestmark = pytest.mark.django_db


def test_nobody_approves_their_own_change(change_in, agent, other_agent, manager):
    requested = change_in(Status.AUTHORIZE)  # requested by agent, a member of the team
    with pytest.raises(MoveForbidden, match="their own change"):
        change_approve(requested, by=agent)
    assigned = change_in(Status.ASSESS, assigned_to=other_agent)
    assigned = change_move(assigned, "authorize", by=agent)
    with pytest.raises(MoveForbidden, match="their own change"):
        change_approve(assigned, by=other_agent)
    assert requested.approvals.get().state == ApprovalState.REQUESTED
    assert not requested.timeline.filter(verb="approved").exists()


def test_only_the_asked_may_decide(change_in, stranger, manager):
    change = change_in(Status.AUTHORIZE)
    with pytest.raises(MoveForbidden):
        change_approve(change, by=stranger)


def test_scheduling_waits_for_every_approval(change_in, agent, other_agent, make_change):
    change = change_in(Status.AUTHORIZE)
    with pytest.raises(MoveNotAllowed, match="awaiting Service Desk"):
        change_move(change, "schedule", by=agent)
    change = change_approve(change, by=other_agent, comment="Go")
    change = change_move(change, "schedule", by=agent)
    assert change.status == Status.SCHEDULED
    approval = change.approvals.get()
    assert (approval.state, approval.decided_by, approval.comment) == (
        ApprovalState.APPROVED,
        other_agent,
        "Go",
    )


def test_emergency_needs_one_emergency_approver(change_in, agent, other_agent, manager):
    change = change_in(Status.AUTHORIZE, type="emergency")
    with pytest.raises(MoveForbidden):
        change_approve(change, by=other_agent)  # an agent is no emergency approver
    change = change_approve(change, by=manager)
    assert change_move(change, "schedule", by=agent).status == Status.SCHEDULED


def test_rejection_returns_to_new_with_the_comment(change_in, other_agent):
    change = change_in(Status.AUTHORIZE)
    history = change.history.count()
    with pytest.raises(MoveInvalid):
        change_reject(change, by=other_agent, comment="")
    change = change_reject(change, by=other_agent, comment="No backout plan tested")
    assert change.status == Status.NEW
    assert change.history.count() == history + 1
    assert "No backout plan tested" in change.history.first().history_change_reason
    assert change.approvals.get().state == ApprovalState.REJECTED
    verbs = list(change.timeline.order_by("-id").values_list("verb", flat=True)[:2])
    assert verbs == ["return_to_new", "rejected"]


def test_approvers_queue(change_in, other_agent, agent):
    change = change_in(Status.AUTHORIZE)
    assert list(changes_awaiting(other_agent)) == [change]
    assert list(changes_awaiting(agent)) == []  # their own


def test_type_changes_only_in_new_before_approvals(make_change, change_in, agent, other_agent):
    fresh = make_change()
    assert change_update(fresh, by=agent, changes={"type": "emergency"}).type == "emergency"
    with pytest.raises(MoveInvalid, match="templates"):
        change_update(fresh, by=agent, changes={"type": "standard"})
    rejected = change_reject(change_in(Status.AUTHORIZE), by=other_agent, comment="No")
    assert rejected.status == Status.NEW
    with pytest.raises(MoveInvalid, match="before any approval"):
        change_update(rejected, by=agent, changes={"type": "emergency"})
    with pytest.raises(MoveInvalid, match="before any approval"):
        change_update(change_in(Status.ASSESS), by=agent, changes={"type": "emergency"})
