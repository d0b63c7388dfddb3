"""A declared major incident with its roles, for the response tests: declared by the
manager (who becomes commander), the agent as communications lead, through the workflow."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from incidents.major import incident_assign_role
from incidents.models import Incident
from incidents.workflow import incident_move
from tests.admin.conftest import client_for


@pytest.fixture
def declare(manager: User) -> Callable[..., Incident]:
    def make(incident: Incident, *, lead: User | None = None) -> Incident:
        incident = incident_move(incident, "declare", by=manager, reason="Customers cannot work")
        if lead is not None:
            incident_assign_role(incident, by=manager, role="communications", user=lead)
        incident.refresh_from_db()
        return incident

    return make


@pytest.fixture
def major(make_incident: Callable[..., Incident], declare: Any, agent: User) -> Incident:
    """SEV2, declared by the manager (commander), the agent its communications lead."""
    return declare(make_incident(title="Mail is down for everyone", severity=2), lead=agent)


@pytest.fixture
def agent_client(agent: User) -> Client:
    return client_for(agent)


@pytest.fixture
def manager_client(manager: User) -> Client:
    return client_for(manager)
