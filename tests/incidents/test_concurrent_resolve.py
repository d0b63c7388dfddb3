"""Two agents resolving the same incident through the API at the same moment: exactly one
wins, the other gets 409, and the move is recorded once.

Needs real PostgreSQL row locks, so it refuses to run on anything else rather than
passing vacuously."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from incidents.models import Incident, Status
from tests.conftest import api_for

BODY = {"resolution_code": "solution_provided"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_resolves_exactly_one_wins(make_incident, agent, other_agent):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    incident = make_incident()
    url = f"/api/v1/incidents/{incident.number}/resolve/"
    first_holds_lock = threading.Event()
    answers: dict[str, tuple[int, dict]] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                # Take the row lock first and hold it, so the second request must queue
                # behind this one; without the workflow's lock both would read "New".
                Incident.objects.select_for_update().get(pk=incident.pk)
                first_holds_lock.set()
                time.sleep(0.5)
                response = api_for(agent).post(url, {**BODY, "resolution_notes": "A"})
            answers["first"] = (response.status_code, response.json())
        finally:
            connections.close_all()

    def second() -> None:
        first_holds_lock.wait(5)
        try:
            response = api_for(other_agent).post(url, {**BODY, "resolution_notes": "B"})
            answers["second"] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert answers["first"][0] == 200
    status, body = answers["second"]
    assert status == 409 and body["code"] == "move_not_allowed"
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and incident.resolution_notes == "A"
    assert incident.history.filter(status=Status.RESOLVED).count() == 1
    assert incident.timeline.filter(verb="resolve").count() == 1
