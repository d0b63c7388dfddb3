"""The full lifecycle through the workflow functions: states, milestones, history, timeline."""

import pytest

from incidents.models import CloseCode, Incident, Status
from incidents.workflow import (
    incident_acknowledge,
    incident_confirm,
    incident_hold,
    incident_reopen,
    incident_resolve,
    incident_resume,
)

pytestmark = pytest.mark.django_db


def verbs(incident: Incident) -> list[str]:
    return list(incident.timeline.filter(kind="event").values_list("verb", flat=True))


def test_walk_new_to_closed_with_a_reopen(incident, agent, caller):
    assert incident.number.startswith("INC") and len(incident.number) == 10
    assert incident.status == Status.NEW
    assert incident.priority == 3
    reported = incident.reported_at

    incident = incident_acknowledge(incident, by=agent)
    acknowledged = incident.acknowledged_at
    assert incident.status == Status.IN_PROGRESS and acknowledged >= reported

    incident = incident_hold(incident, by=agent, hold_reason="awaiting_caller", note="Which PC?")
    assert incident.status == Status.ON_HOLD and incident.hold_reason == "awaiting_caller"
    incident = incident_resume(incident, by=caller, note="It is PC-42")
    assert incident.status == Status.IN_PROGRESS and incident.hold_reason == ""

    incident = incident_resolve(
        incident, by=agent, resolution_code="solution_provided", resolution_notes="Reset profile"
    )
    first_resolved = incident.resolved_at
    assert incident.status == Status.RESOLVED and incident.mitigated_at == first_resolved

    incident = incident_reopen(incident, by=caller, reason="Still broken")
    assert incident.status == Status.IN_PROGRESS
    assert incident.reopen_count == 1 and incident.resolved_at is None

    incident = incident_resolve(
        incident, by=agent, resolution_code="solution_provided", resolution_notes="New mailbox"
    )
    assert incident.resolved_at > first_resolved
    assert incident.mitigated_at == first_resolved  # impact ended the first time
    incident = incident_confirm(incident, by=caller)
    assert incident.status == Status.CLOSED and incident.close_code == CloseCode.CONFIRMED
    assert incident.closed_at >= incident.resolved_at
    assert incident.acknowledged_at == acknowledged  # stamped once, never moved

    assert verbs(incident) == [
        "created",
        "acknowledge",
        "hold",
        "resume",
        "resolve",
        "reopen",
        "resolve",
        "confirm",
    ]
    history = list(incident.history.order_by("history_id"))
    assert [h.status for h in history] == [1, 2, 3, 2, 6, 2, 6, 7]
    assert [h.history_user for h in history] == [
        agent,
        agent,
        agent,
        caller,
        agent,
        caller,
        agent,
        caller,
    ]
    assert history[2].history_change_reason == "Awaiting Caller: Which PC?"
    assert history[5].history_change_reason == "Still broken"
