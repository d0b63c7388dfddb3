"""One incident walked through its whole life over the API, by the agent and its caller."""

import pytest

from incidents.models import CloseCode, Incident, Status
from tests.api.conftest import url

pytestmark = pytest.mark.django_db


def last_history(incident: Incident):
    return incident.history.order_by("-history_id").first()


def last_event(incident: Incident):
    return incident.timeline.filter(kind="event").order_by("-id").first()


def step(client, incident, move, body, *, by, status, reason):
    before = incident.history.count()
    response = client.post(url(incident, move), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == status
    incident.refresh_from_db()
    assert incident.status == status
    record = last_history(incident)
    assert incident.history.count() == before + 1
    assert record.history_user == by and record.history_change_reason == reason
    event = last_event(incident)
    assert event.verb == move and event.author == by
    return response.json()


def test_walk_new_to_closed_with_a_reopen(agent_api, caller_api, agent, caller, incident):
    detail = agent_api.get(url(incident)).json()
    assert detail["status"] == Status.NEW and detail["acknowledged_at"] is None
    assert detail["allowed_moves"] == [
        "acknowledge",
        "hold",
        "resolve",
        "escalate_group",
        "escalate_manager",
    ]  # no cancel: managers

    body = step(
        agent_api,
        incident,
        "acknowledge",
        {},
        by=agent,
        status=Status.IN_PROGRESS,
        reason="Acknowledge",
    )
    acknowledged = incident.acknowledged_at
    assert acknowledged is not None and acknowledged >= incident.reported_at
    assert body["acknowledged_at"] is not None

    body = step(
        agent_api,
        incident,
        "hold",
        {"hold_reason": "awaiting_vendor", "note": "Ticket 42"},
        by=agent,
        status=Status.ON_HOLD,
        reason="Awaiting Vendor: Ticket 42",
    )
    assert body["hold_reason"] == "awaiting_vendor"

    body = step(
        agent_api,
        incident,
        "resume",
        {"note": "Vendor answered"},
        by=agent,
        status=Status.IN_PROGRESS,
        reason="Vendor answered",
    )
    assert body["hold_reason"] is None

    body = step(
        agent_api,
        incident,
        "resolve",
        {"resolution_code": "solution_provided", "resolution_notes": "Reset the profile"},
        by=agent,
        status=Status.RESOLVED,
        reason="Reset the profile",
    )
    first_resolved = incident.resolved_at
    assert first_resolved is not None and incident.mitigated_at == first_resolved
    assert body["resolution_code"] == "solution_provided"
    assert caller_api.get(url(incident)).json()["allowed_moves"] == ["reopen", "confirm"]

    body = step(
        caller_api,
        incident,
        "reopen",
        {"reason": "Still broken"},
        by=caller,
        status=Status.IN_PROGRESS,
        reason="Still broken",
    )
    assert body["reopen_count"] == 1 and body["resolved_at"] is None

    step(
        agent_api,
        incident,
        "resolve",
        {"resolution_code": "workaround_provided", "resolution_notes": "New mailbox"},
        by=agent,
        status=Status.RESOLVED,
        reason="New mailbox",
    )
    assert incident.resolved_at > first_resolved
    assert incident.mitigated_at == first_resolved  # impact ended the first time

    body = step(
        caller_api,
        incident,
        "confirm",
        {},
        by=caller,
        status=Status.CLOSED,
        reason="Fix confirmed",
    )
    assert body["close_code"] == CloseCode.CONFIRMED and body["allowed_moves"] == []
    assert incident.closed_at >= incident.resolved_at
    assert incident.acknowledged_at == acknowledged  # stamped once, never moved
    verbs = list(incident.timeline.filter(kind="event").values_list("verb", flat=True))
    assert verbs == [
        "created",
        "acknowledge",
        "hold",
        "resume",
        "resolve",
        "reopen",
        "resolve",
        "confirm",
    ]
