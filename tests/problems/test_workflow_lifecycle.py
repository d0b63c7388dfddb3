"""A problem through every state by the workflow: each move checks the new state, the
stamps, the history row and the timeline event."""

import pytest

from kernel.errors import MoveForbidden, MoveInvalid
from problems.models import ResolutionCode, Status
from problems.workflow import problem_move

pytestmark = pytest.mark.django_db


def last_event(problem):
    return problem.timeline.order_by("-id").first()


def test_new_to_closed_with_a_known_error_on_the_way(problem, agent):
    assert problem.number.startswith("PRB") and len(problem.number) == 10
    history = problem.history.count()
    steps = [
        ("assess", {}, Status.ASSESS),
        ("analyze", {}, Status.ROOT_CAUSE_ANALYSIS),
        ("mark_known_error", {"workaround": "Restart Outlook"}, Status.ROOT_CAUSE_ANALYSIS),
        ("start_fix", {"root_cause": "Expired certificate"}, Status.FIX_IN_PROGRESS),
        ("resolve", {"fix_notes": "Renewed the certificate"}, Status.RESOLVED),
        ("close", {"note": "Verified for a week"}, Status.CLOSED),
    ]
    for name, inputs, status in steps:
        problem = problem_move(problem, name, by=agent, **inputs)
        history += 1
        assert problem.status == status
        assert problem.history.count() == history
        assert problem.history.first().history_user == agent
        event = last_event(problem)
        assert (event.verb, event.data["to"], event.author) == (name, status, agent)
    problem.refresh_from_db()
    assert problem.known_error and problem.known_error_at is not None
    assert problem.workaround == "Restart Outlook"
    assert problem.root_cause == "Expired certificate"
    assert problem.resolution_code == ResolutionCode.FIX_APPLIED
    assert problem.resolved_at <= problem.closed_at


@pytest.mark.parametrize(
    ("name", "inputs", "code"),
    [
        ("cancel", {"reason": "Logged twice"}, ResolutionCode.CANCELED),
        ("accept_risk", {"reason": "System retires soon"}, ResolutionCode.RISK_ACCEPTED),
    ],
)
def test_closed_early_with_a_reason(problem_in, manager, name, inputs, code):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    problem = problem_move(problem, name, by=manager, **inputs)
    assert (problem.status, problem.resolution_code) == (Status.CLOSED, code)
    assert problem.close_notes == inputs["reason"]
    assert last_event(problem).verb == name


def test_closed_as_duplicate_points_at_the_original(make_problem, agent):
    original, copy = make_problem(), make_problem(title="Same again")
    copy = problem_move(
        copy, "close_duplicate", by=agent, duplicate_of=original.number, reason="Same"
    )
    assert copy.status == Status.CLOSED and copy.duplicate_of == original
    assert copy.resolution_code == ResolutionCode.DUPLICATE


def test_duplicate_of_an_unknown_problem_saves_nothing(problem, agent):
    with pytest.raises(MoveInvalid) as refusal:
        problem_move(problem, "close_duplicate", by=agent, duplicate_of="PRB9", reason="x")
    assert "duplicate_of" in refusal.value.errors
    problem.refresh_from_db()
    assert problem.status == Status.NEW and problem.timeline.count() == 1


@pytest.mark.parametrize(
    ("name", "missing", "status"),
    [
        ("start_fix", "root_cause", Status.ROOT_CAUSE_ANALYSIS),
        ("mark_known_error", "workaround", Status.ASSESS),
        ("resolve", "fix_notes", Status.FIX_IN_PROGRESS),
        ("cancel", "reason", Status.NEW),
    ],
)
def test_moves_that_need_data_require_it(problem_in, manager, name, missing, status):
    problem = problem_in(status)
    before = problem.history.count(), problem.timeline.count()
    with pytest.raises(MoveInvalid) as refusal:
        problem_move(problem, name, by=manager, **{missing: "  "})
    assert missing in refusal.value.errors
    problem.refresh_from_db()
    assert problem.status == status
    assert (problem.history.count(), problem.timeline.count()) == before
    assert not problem.known_error


def test_agents_may_not_cancel(problem, agent):
    with pytest.raises(MoveForbidden):
        problem_move(problem, "cancel", by=agent, reason="No")


def test_reopen_goes_back_to_analysis(problem_in, agent):
    problem = problem_in(Status.RESOLVED)
    problem = problem_move(problem, "reopen", by=agent, reason="It came back")
    assert problem.status == Status.ROOT_CAUSE_ANALYSIS
    assert problem.resolved_at is None and problem.resolution_code == ""
