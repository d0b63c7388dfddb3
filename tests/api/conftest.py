"""Helpers for the API tests: URLs and the ways to bring an incident into each state."""

from collections.abc import Callable

import pytest

from accounts.models import User
from incidents.models import Incident, Status
from incidents.workflow import (
    incident_acknowledge,
    incident_cancel,
    incident_close,
    incident_hold,
    incident_resolve,
)


def url(incident: Incident | str, action: str = "") -> str:
    number = incident if isinstance(incident, str) else incident.number
    return f"/api/v1/incidents/{number}/" + (f"{action}/" if action else "")


def _resolve(incident: Incident, agent: User) -> Incident:
    return incident_resolve(
        incident, by=agent, resolution_code="solution_provided", resolution_notes="Fixed"
    )


# How to reach each state from New, through the workflow only.
PATHS: dict[int, Callable[[Incident, User], Incident]] = {
    Status.NEW: lambda incident, agent: incident,
    Status.IN_PROGRESS: lambda incident, agent: incident_acknowledge(incident, by=agent),
    Status.ON_HOLD: lambda incident, agent: incident_hold(
        incident, by=agent, hold_reason="awaiting_vendor"
    ),
    Status.RESOLVED: _resolve,
    Status.CLOSED: lambda incident, agent: incident_close(_resolve(incident, agent), by=agent),
    Status.CANCELED: lambda incident, agent: incident_cancel(incident, by=None, reason="Duplicate"),
}


@pytest.fixture
def incident_in(make_incident: Callable[..., Incident], agent: User) -> Callable[[int], Incident]:
    """An incident brought to ``status`` through the workflow."""

    def make(status: int) -> Incident:
        incident = PATHS[status](make_incident(), agent)
        assert incident.status == status
        return incident

    return make
