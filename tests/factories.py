"""Inputs for every incident move, the (status, move) tables the move table implies, and
``bring_to``, which reaches any state through the workflow only."""

from accounts.models import User
from incidents.models import Incident, Status
from incidents.workflow import incident_move

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
}

FORBIDDEN_MOVES: list[tuple[Status, str]] = [
    (status, move.name)
    for move in Incident.moves
    for status in Status
    if status not in move.sources
]
ALLOWED_MOVES: list[tuple[Status, str]] = [
    (Status(status), move.name) for move in Incident.moves for status in sorted(move.sources)
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
