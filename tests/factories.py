"""Inputs for every incident, problem and change move, the (status, move) tables the move
tables imply, and ``bring_to`` and friends, which reach any state through the workflow only."""

from django.contrib.auth.models import Group

from accounts.models import User
from catalog.models import Team
from changes.approvals import change_approve
from changes.models import Change
from changes.models import Status as ChangeStatus
from changes.models import Type as ChangeType
from changes.workflow import change_move
from incidents.models import Incident, Status
from incidents.workflow import incident_move
from kernel.moves import Input, inputs_of
from problems.models import Problem
from problems.models import Status as ProblemStatus
from problems.workflow import problem_move

# Valid inputs for each move, so a refusal can only come from the state or the user.
MOVE_INPUTS: dict[str, dict[str, str]] = {
    "acknowledge": {},
    "hold": {"hold_reason": "awaiting_vendor", "note": "Ticket 123 with the vendor"},
    "resume": {"note": "Vendor answered"},
    "resolve": {"resolution_code": "solution_provided", "resolution_notes": "Restarted"},
    "reopen": {"reason": "Still broken"},
    "confirm": {"note": "Works now"},
    "close": {"note": "Done"},
    "cancel": {"reason": "Duplicate of another"},
    "declare": {"reason": "Checkout is down for every customer"},
    "undeclare": {"reason": "Only one customer is affected after all"},
    # The team's id is known only inside a test: ``move_inputs`` fills it in. The table's
    # refusals come before the lookup, so the placeholder serves the forbidden-move tests.
    "escalate_group": {"assignment_group": "0", "reason": "Needs the network team"},
    "escalate_manager": {"reason": "Customer-facing outage, no progress in an hour"},
}


def move_inputs(name: str) -> dict[str, str]:
    """``MOVE_INPUTS[name]`` made valid in the test's database: a functional escalation
    names a real second team (with a manager of its own)."""
    inputs = dict(MOVE_INPUTS[name])
    if name == "escalate_group":
        inputs["assignment_group"] = str(second_team().pk)
    return inputs


def second_team() -> Team:
    """The "Network" team: two members and a manager, none of them in the first team."""
    team, created = Team.objects.get_or_create(name="Network")
    if created:
        boss = User.objects.create_user("nina", email="nina@example.com", is_staff=True)
        team.manager = boss
        team.save()
        for username in ("nils", "noor"):
            member = User.objects.create_user(
                username, email=f"{username}@example.com", is_staff=True
            )
            member.groups.add(Group.objects.get(name="Agents"))
            team.members.add(member)
        team.members.add(boss)
    return team


FORBIDDEN_MOVES: list[tuple[Status, str]] = [
    (status, move.name)
    for move in Incident.moves
    for status in Status
    if status not in move.sources
]
# Undeclaring needs a major incident (its ``only_if``): tests/incidents/test_major_declare.py.
ALLOWED_MOVES: list[tuple[Status, str]] = [
    (Status(status), move.name)
    for move in Incident.moves
    for status in sorted(move.sources)
    if move.name != "undeclare"
]

# The moves from New to each state.
PATHS: dict[Status, tuple[str, ...]] = {
    Status.NEW: (),
    Status.IN_PROGRESS: ("acknowledge",),
    Status.ON_HOLD: ("acknowledge", "hold"),
    Status.RESOLVED: ("acknowledge", "resolve"),
    Status.CLOSED: ("acknowledge", "resolve", "close"),
    Status.CANCELED: ("cancel",),
}


def bring_to(incident: Incident, status: int, *, agent: User, manager: User) -> Incident:
    """Move a New ``incident`` to ``status``: the agent works it, the manager cancels it
    (agents may not)."""
    for name in PATHS[Status(status)]:
        by = manager if name == "cancel" else agent
        incident = incident_move(incident, name, by=by, **MOVE_INPUTS[name])
    assert incident.status == status
    return incident


# --- problems -----------------------------------------------------------------------------

PROBLEM_INPUTS: dict[str, dict[str, str]] = {
    "assess": {},
    "analyze": {},
    "mark_known_error": {"workaround": "Restart the mail client"},
    "start_fix": {"root_cause": "Certificate expired", "fix_notes": "Renew it"},
    "resolve": {"fix_notes": "Certificate renewed, auto-renewal on"},
    "reopen": {"reason": "Came back"},
    "close": {"note": "Done"},
    "close_duplicate": {"duplicate_of": "PRB0000000", "reason": "Same as the other"},
    "accept_risk": {"reason": "Legacy system retires next month"},
    "cancel": {"reason": "Logged by mistake"},
}
PROBLEM_PATHS: dict[ProblemStatus, tuple[str, ...]] = {
    ProblemStatus.NEW: (),
    ProblemStatus.ASSESS: ("assess",),
    ProblemStatus.ROOT_CAUSE_ANALYSIS: ("assess", "analyze"),
    ProblemStatus.FIX_IN_PROGRESS: ("assess", "analyze", "start_fix"),
    ProblemStatus.RESOLVED: ("assess", "analyze", "start_fix", "resolve"),
    ProblemStatus.CLOSED: ("assess", "analyze", "start_fix", "resolve", "close"),
}
PROBLEM_FORBIDDEN: list[tuple[ProblemStatus, str]] = [
    (status, move.name)
    for move in Problem.moves
    for status in ProblemStatus
    if status not in move.sources
]


def bring_problem_to(problem: Problem, status: int, *, agent: User) -> Problem:
    for name in PROBLEM_PATHS[ProblemStatus(status)]:
        problem = problem_move(problem, name, by=agent, **PROBLEM_INPUTS[name])
    assert problem.status == status
    return problem


# --- changes ------------------------------------------------------------------------------

CHANGE_INPUTS: dict[str, dict[str, str]] = {
    "assess": {},
    "authorize": {},
    "schedule": {},
    "implement": {},
    "review": {},
    "close": {"close_code": "successful", "close_notes": "All good"},
    "return_to_new": {"reason": "Needs a better backout plan"},
    "cancel": {"reason": "Not needed any more"},
}
# The moves (and approvals, "approve") from New to each state, per type.
CHANGE_PATHS: dict[str, dict[ChangeStatus, tuple[str, ...]]] = {
    ChangeType.NORMAL: {
        ChangeStatus.NEW: (),
        ChangeStatus.ASSESS: ("assess",),
        ChangeStatus.AUTHORIZE: ("assess", "authorize"),
        ChangeStatus.SCHEDULED: ("assess", "authorize", "approve", "schedule"),
        ChangeStatus.IMPLEMENT: ("assess", "authorize", "approve", "schedule", "implement"),
        ChangeStatus.REVIEW: ("assess", "authorize", "approve", "schedule", "implement", "review"),
        ChangeStatus.CLOSED: (
            "assess", "authorize", "approve", "schedule", "implement", "review", "close",
        ),
        ChangeStatus.CANCELED: ("cancel",),
    },
    ChangeType.EMERGENCY: {
        ChangeStatus.NEW: (),
        ChangeStatus.AUTHORIZE: ("authorize",),
        ChangeStatus.SCHEDULED: ("authorize", "approve", "schedule"),
        ChangeStatus.IMPLEMENT: ("authorize", "approve", "schedule", "implement"),
        ChangeStatus.REVIEW: ("authorize", "approve", "schedule", "implement", "review"),
        ChangeStatus.CLOSED: ("authorize", "approve", "schedule", "implement", "review", "close"),
        ChangeStatus.CANCELED: ("cancel",),
    },
    ChangeType.STANDARD: {
        ChangeStatus.NEW: (),
        ChangeStatus.SCHEDULED: ("schedule",),
        ChangeStatus.IMPLEMENT: ("schedule", "implement"),
        ChangeStatus.REVIEW: ("schedule", "implement", "review"),
        ChangeStatus.CLOSED: ("schedule", "implement", "review", "close"),
        ChangeStatus.CANCELED: ("cancel",),
    },
}  # fmt: skip


def _change_allows(kind: str, status: ChangeStatus, name: str) -> bool:
    probe = Change(type=kind, status=status)
    return name in {move.name for move in Change.moves.allowed_for(probe)}


# Every (type, reachable state, move) the table and its rules refuse.
CHANGE_FORBIDDEN: list[tuple[str, ChangeStatus, str]] = [
    (kind, status, move.name)
    for kind, paths in CHANGE_PATHS.items()
    for status in paths
    for move in Change.moves
    if not _change_allows(kind, status, move.name)
]


def bring_change_to(change: Change, status: int, *, agent: User, approver: User) -> Change:
    """Move a New change to ``status``: ``agent`` works it, ``approver`` approves it."""
    for name in CHANGE_PATHS[change.type][ChangeStatus(status)]:
        if name == "approve":
            change = change_approve(change, by=approver, comment="Fine")
        else:
            change = change_move(change, name, by=agent, **CHANGE_INPUTS[name])
    assert change.status == status
    return change


def declared_inputs(move: str) -> tuple[Input, ...]:
    """What incident move ``move`` asks for, as its workflow function declares it."""
    import incidents.workflow

    return inputs_of(getattr(incidents.workflow, f"incident_{move}"))
