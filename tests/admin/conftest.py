"""Fixtures for driving the admin: logged-in clients, incidents in every state (reached
through the workflow), and helpers to read messages and count audit rows."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

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

# The workflow path from New to each state.
PATHS: dict[int, tuple[str, ...]] = {
    Status.NEW: (),
    Status.IN_PROGRESS: ("acknowledge",),
    Status.ON_HOLD: ("acknowledge", "hold"),
    Status.RESOLVED: ("acknowledge", "resolve"),
    Status.CLOSED: ("acknowledge", "resolve", "close"),
    Status.CANCELED: ("cancel",),
}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent_client(agent: User) -> Client:
    return client_for(agent)


@pytest.fixture
def manager_client(manager: User) -> Client:
    return client_for(manager)


@pytest.fixture
def incident_in(make_incident: Callable[..., Incident], manager: User) -> Callable[..., Incident]:
    def make(status: int, **fields: Any) -> Incident:
        incident = make_incident(**fields)
        for name in PATHS[status]:
            incident = incident_move(incident, name, by=manager, **MOVE_INPUTS[name])
        assert incident.status == status
        return incident

    return make


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def move_url(incident: Incident, name: str) -> str:
    return reverse("admin:incidents_incident_move", args=[incident.pk, name])


def changelist_url() -> str:
    return reverse("admin:incidents_incident_changelist")


def messages_of(response: HttpResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def audit_counts(incident: Incident) -> tuple[int, int, int]:
    """(status, history rows, timeline entries) as stored."""
    incident.refresh_from_db()
    return incident.status, incident.history.count(), incident.timeline.count()
