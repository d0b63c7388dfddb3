"""A desk of ``n`` incidents for the search's size tests: half found by their title, half
only by a work note (agents) or a comment (their caller), written in bulk: the reads are
under test, not the workflow."""

import itertools
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from catalog.models import Service, Team
from incidents.models import Incident, IncidentTimelineEntry
from kernel.enums import TimelineKind
from kernel.numbering import format_number
from tests.admin.conftest import client_for

_numbers = itertools.count(8_000_000)
WORD = "hydrant"


@pytest.fixture
def bulk_desk(
    agent: User, caller: User, team: Team, service: Service
) -> Callable[[int], list[Incident]]:
    def make(n: int) -> list[Incident]:
        incidents = Incident.objects.bulk_create(
            Incident(
                number=format_number("INC", next(_numbers)),
                title=f"Fire {WORD} {i} leaks" if i % 2 else f"Broken valve {i}",
                description="Water on the floor.",
                reported_at=timezone.now(),
                caller=caller,
                service=service,
                assignment_group=team,
                assigned_to=agent,
                priority=1 + i % 5,
                status=1 + i % 3,
            )
            for i in range(n)
        )
        IncidentTimelineEntry.objects.bulk_create(
            IncidentTimelineEntry(ticket=incident, kind=kind, body=f"The {WORD} again.")
            for incident in incidents
            for kind in (TimelineKind.WORK_NOTE, TimelineKind.COMMENT)
        )
        return incidents

    return make


@pytest.fixture
def agent_client(agent: User) -> Client:
    return client_for(agent)
