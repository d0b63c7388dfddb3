"""Normal, standard and emergency changes each walked through their path by the
workflow: every step's state, stamps, history row and timeline event."""

import pytest

from changes.approvals import change_approve
from changes.models import ApprovalState, Risk, Status
from changes.workflow import change_move
from tests.factories import CHANGE_INPUTS, CHANGE_PATHS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["normal", "emergency", "standard"])
def test_each_type_walks_its_path_to_closed(make_change, agent, other_agent, manager, kind):
    change = make_change(type=kind)
    assert change.number.startswith("CHG") and change.requested_by == agent
    approver = manager if kind == "emergency" else other_agent
    history = change.history.count()
    for name in CHANGE_PATHS[kind][Status.CLOSED]:
        events = change.timeline.count()
        if name == "approve":
            change = change_approve(change, by=approver, comment="OK")
            assert change.status == Status.AUTHORIZE
            assert change.timeline.count() == events + 1
            continue
        before = change.status
        change = change_move(change, name, by=agent, **CHANGE_INPUTS[name])
        history += 1
        assert change.history.count() == history
        # Requesting authorization also records whom it asked (approval_requested).
        event = change.timeline.filter(verb=name).order_by("-id").first()
        assert (event.verb, event.data["from"], event.data["to"]) == (name, before, change.status)
    assert change.status == Status.CLOSED
    assert change.actual_start <= change.actual_end <= change.closed_at
    assert change.close_code == "successful"


def test_standard_changes_take_the_template(make_change, template):
    change = make_change(type="standard")
    assert change.template == template and change.risk == Risk.LOW
    assert change.implementation_plan == template.implementation_plan
    assert not change.approvals.exists()


def test_normal_change_asks_the_services_owner_team(change_in, team):
    change = change_in(Status.AUTHORIZE)
    [approval] = change.approvals.all()
    assert (approval.group, approval.state) == (team, ApprovalState.REQUESTED)
    assert approval.history.count() == 1


def test_emergency_change_asks_one_emergency_approver(change_in):
    change = change_in(Status.AUTHORIZE, type="emergency")
    [approval] = change.approvals.all()
    assert approval.emergency and approval.group is None


def test_risk_follows_the_answers(make_change, agent):
    from changes.workflow import change_update

    answers = {"tested": True, "backout_possible": True, "done_before": True}
    change = make_change(risk_answers={**answers, "downtime": False, "many_users": False})
    assert change.risk == Risk.LOW
    change = change_update(
        change,
        by=agent,
        changes={"risk_answers": {"tested": False, "backout_possible": False, "downtime": True}},
    )
    assert change.risk == Risk.HIGH
    assert change.timeline.filter(verb="risk").exists()
