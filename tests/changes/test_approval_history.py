"""Every saved approval row is audited like the change itself: its history row names who
acted and why (asked, decided, dropped when the change left Authorize)."""

import pytest

from changes.approvals import change_approve, change_reject
from changes.models import Status
from changes.workflow import change_move

pytestmark = pytest.mark.django_db


def test_asking_and_deciding_record_who_and_why(change_in, agent, other_agent):
    change = change_in(Status.ASSESS)
    change = change_move(change, "authorize", by=agent)
    approval = change.approvals.get()
    asked = approval.history.get(history_type="+")
    assert asked.history_user == agent and asked.history_change_reason == "Approval requested"

    change_approve(change, by=other_agent, comment="Looks safe")
    decided = approval.history.latest("history_date", "history_id")
    assert decided.history_user == other_agent
    assert decided.history_change_reason == "Approved: Looks safe"


def test_a_rejection_records_its_comment(change_in, other_agent):
    change = change_in(Status.AUTHORIZE)
    approval = change.approvals.get()
    change_reject(change, by=other_agent, comment="No backout plan")
    rejected = approval.history.filter(history_user=other_agent).latest("history_id")
    assert rejected.history_change_reason == "Rejected: No backout plan"


def test_dropped_approvals_record_why(change_in, agent):
    change = change_in(Status.AUTHORIZE)
    approval = change.approvals.get()
    change_move(change, "cancel", by=agent, reason="Vendor delayed")
    dropped = approval.history.latest("history_id")
    assert dropped.history_user == agent
    assert dropped.history_change_reason == f"Change left Authorize ({change.number})"
