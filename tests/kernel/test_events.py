"""The kernel's event hook: handlers hear every timeline event inside the change's
transaction, and nothing while muted."""

import pytest
from django.db import connection

from kernel import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def handler(ticket, entry):
        calls.append((ticket.number, entry.verb, connection.in_atomic_block))

    events.subscribe(handler, dispatch_uid="test-events")
    yield calls
    events.unsubscribe("test-events")


def test_handlers_hear_every_event_inside_the_transaction(heard, make_incident, agent):
    from incidents.workflow import incident_move

    incident = make_incident()
    incident_move(incident, "acknowledge", by=agent)
    assert [(verb, atomic) for _, verb, atomic in heard] == [
        ("created", True),
        ("acknowledge", True),
    ]


def test_muted_writes_history_without_telling(heard, make_incident):
    with events.muted():
        incident = make_incident()
    assert incident.timeline.filter(verb="created").exists()
    assert heard == []
