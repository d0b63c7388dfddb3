"""A resolved incident to review, its postmortem written by the agent ("alice"), and the
other agent ("bob") to review it: all through the workflows."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from incidents.models import Incident
from incidents.models import Status as IncidentStatus
from postmortems.models import Postmortem
from postmortems.workflow import postmortem_add_reviewer, postmortem_create_for, postmortem_move


@pytest.fixture
def reviewed_incident(incident_in: Callable[..., Incident]) -> Incident:
    return incident_in(IncidentStatus.RESOLVED, title="Mail queue stuck", severity=2)


@pytest.fixture
def postmortem(reviewed_incident: Incident, agent: User) -> Postmortem:
    return postmortem_create_for(reviewed_incident, by=agent)


@pytest.fixture
def in_review(postmortem: Postmortem, agent: User, other_agent: User) -> Postmortem:
    postmortem_add_reviewer(postmortem, by=agent, user=other_agent)
    return postmortem_move(postmortem, "submit", by=agent)


@pytest.fixture
def approved(in_review: Postmortem, other_agent: User) -> Postmortem:
    return postmortem_move(in_review, "approve", by=other_agent)


def verbs(postmortem: Postmortem) -> list[str]:
    return list(postmortem.timeline.order_by("id").values_list("verb", flat=True))


def history_of(record: Any) -> list[Any]:
    return list(record.history.order_by("history_id"))


@pytest.fixture
def agent_client(agent: User) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def reviewer_client(other_agent: User) -> Client:
    client = Client()
    client.force_login(other_agent)
    return client
