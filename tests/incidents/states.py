"""Bring an incident to any state through the workflow, for table-driven tests."""

from accounts.models import User
from incidents.models import Incident, Status
from incidents.workflow import (
    incident_acknowledge,
    incident_cancel,
    incident_confirm,
    incident_hold,
    incident_resolve,
)


def bring_to(incident: Incident, status: int, *, agent: User, manager: User) -> Incident:
    if status == Status.NEW:
        return incident
    if status == Status.CANCELED:
        return incident_cancel(incident, by=manager, reason="Duplicate")
    incident = incident_acknowledge(incident, by=agent)
    if status == Status.ON_HOLD:
        return incident_hold(incident, by=agent, hold_reason="awaiting_vendor")
    if status in (Status.RESOLVED, Status.CLOSED):
        incident = incident_resolve(
            incident, by=agent, resolution_code="solution_provided", resolution_notes="Fixed"
        )
    if status == Status.CLOSED:
        incident = incident_confirm(incident, by=agent)
    assert incident.status == status
    return incident


# Inputs that satisfy every move, so a refusal can only come from the state.
VALID_INPUTS: dict[str, dict[str, str]] = {
    "acknowledge": {},
    "hold": {"hold_reason": "awaiting_caller", "note": "Which PC?"},
    "resume": {"note": ""},
    "resolve": {"resolution_code": "solution_provided", "resolution_notes": "Fixed"},
    "reopen": {"reason": "Still broken"},
    "confirm": {"note": ""},
    "close": {"note": ""},
    "cancel": {"reason": "Duplicate"},
}

FORBIDDEN = [
    (status, move.name)
    for move in Incident.moves
    for status in Status.values
    if status not in move.sources
]
ALLOWED = [(status, move.name) for move in Incident.moves for status in sorted(move.sources)]
