"""Fixtures for driving the admin: logged-in clients, and helpers for URLs, messages and
audit row counts."""

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from incidents.models import Incident


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
