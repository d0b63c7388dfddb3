"""Two agents resolving the same incident at the same moment: exactly one wins.

Needs real PostgreSQL row locks, so it refuses to run on anything else rather than
passing vacuously."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from incidents.models import Incident, Status
from incidents.workflow import incident_resolve
from kernel.errors import MoveNotAllowed


@pytest.mark.django_db(transaction=True)
def test_concurrent_resolves_exactly_one_wins(make_incident, agent, other_agent):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    incident = make_incident()
    first_holds_lock = threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                # Take the row lock first and hold it, so the second call must queue
                # behind us; without the workflow's lock both would read "New".
                Incident.objects.select_for_update().get(pk=incident.pk)
                first_holds_lock.set()
                time.sleep(0.5)
                incident_resolve(
                    incident, by=agent, resolution_code="solution_provided", resolution_notes="A"
                )
            outcomes["first"] = "resolved"
        except MoveNotAllowed as exc:
            outcomes["first"] = exc
        finally:
            connections.close_all()

    def second() -> None:
        first_holds_lock.wait(5)
        try:
            incident_resolve(
                incident, by=other_agent, resolution_code="solution_provided", resolution_notes="B"
            )
            outcomes["second"] = "resolved"
        except MoveNotAllowed as exc:
            outcomes["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert outcomes["first"] == "resolved"
    refused = outcomes["second"]
    assert isinstance(refused, MoveNotAllowed) and refused.http_status == 409
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and incident.resolution_notes == "A"
    assert incident.history.filter(status=Status.RESOLVED).count() == 1
    assert incident.timeline.filter(verb="resolve").count() == 1
