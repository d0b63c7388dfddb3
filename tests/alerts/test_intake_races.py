"""Concurrent senders through a real server (gunicorn, PostgreSQL): a storm of one new alert
makes one incident, and an acknowledge racing a resolve never leaves it re-opened."""

import json
import threading
from collections import Counter
from collections.abc import Callable

import pytest

from alerts.models import Alert, AlertGroup, Kind
from incidents.models import Status
from tests.alerts.conftest import am_alert, am_body, ev2, post_raw

pytestmark = pytest.mark.django_db(transaction=True)

SENDERS = 100
ROUNDS = 20


def at_once(calls: list[Callable[[], int]]) -> list[int]:
    """Run ``calls`` in threads released together; their answers."""
    start = threading.Barrier(len(calls))
    answers: list[int] = []

    def run(call: Callable[[], int]) -> None:
        start.wait()
        answers.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_hundred_simultaneous_posts_of_one_new_alert_make_one_incident(
    alert_server, make_integration
):
    integration = make_integration()
    url = alert_server + integration.path
    answers: Counter[int] = Counter()
    for round_ in range(ROUNDS):
        fingerprint = f"storm-{round_}"
        # A hundred firings of the same new alert, each body its own (Alertmanager resends
        # the group as other alerts in it change).
        bodies = [
            json.dumps(
                am_body(
                    am_alert(fingerprint, starts_at=f"2026-12-02T10:{n % 60:02d}:00Z"),
                    group_key=f"{round_}/{n}",
                )
            ).encode()
            for n in range(SENDERS)
        ]
        answers.update(at_once([lambda b=b: post_raw(url, b, integration.secret) for b in bodies]))

        groups = AlertGroup.objects.filter(integration=integration, key=fingerprint)
        assert groups.count() == 1, f"round {round_}: {groups.count()} incidents"
        assert groups.get().incident.alerts.get().count == SENDERS

    assert answers == {202: SENDERS * ROUNDS}
    assert Alert.objects.filter(integration=integration).count() == ROUNDS


def test_an_acknowledge_racing_a_resolve_never_leaves_the_incident_open(
    alert_server, make_integration
):
    integration = make_integration(kind=Kind.EVENTS_V2)
    url = alert_server + integration.path
    rounds = 50
    answers: Counter[int] = Counter()
    for round_ in range(rounds):
        key = f"race-{round_}"
        assert (
            post_raw(
                url,
                json.dumps(ev2("trigger", key, integration.secret)).encode(),
                integration.secret,
            )
            == 202
        )
        racing = [
            json.dumps(ev2("resolve", key, integration.secret)).encode(),
            json.dumps(ev2("acknowledge", key, integration.secret)).encode(),
            json.dumps(ev2("acknowledge", key, integration.secret) | {"client": "retry"}).encode(),
        ]
        answers.update(at_once([lambda b=b: post_raw(url, b, integration.secret) for b in racing]))

        incident = AlertGroup.objects.get(integration=integration, key=key).incident
        assert incident.status == Status.RESOLVED, (
            f"round {round_}: {incident.get_status_display()}"
        )
        assert not incident.history.filter(
            status__in=[Status.NEW, Status.IN_PROGRESS], history_date__gt=incident.resolved_at
        ).exists()

    assert answers == {202: rounds * 3}
    assert AlertGroup.objects.filter(integration=integration).count() == rounds
