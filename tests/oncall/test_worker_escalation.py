"""Must-show 5 on a real worker: with a 2 s level delay an unacknowledged P1 pages level
1 at once, then 2, then 3, each once (the beat sweep fires each step due from next_at);
acknowledging after level 2 stops it."""

import itertools
import time

import pytest

from incidents.workflow import incident_create, incident_move
from oncall.models import Escalation, Page
from tests.notifications.harness import wait_until


def levels(incident) -> list[int]:
    return list(Page.objects.filter(escalation__incident=incident).values_list("level", flat=True))


@pytest.mark.django_db(transaction=True)
def test_escalation_on_a_real_worker(
    broker_url, spawn_worker, policy, agent, other_agent, caller, team, service
):
    spawn_worker(broker_url, ESCALATION_SWEEP_INTERVAL="1")
    started = time.monotonic()
    ignored = incident_create(
        by=caller, title="Checkout down", impact=1, urgency=1, service=service
    )
    answered = incident_create(by=caller, title="Login down", impact=1, urgency=1, service=service)
    assert levels(ignored) == levels(answered) == [0]  # level 1 at once, in the same commit

    assert wait_until(lambda: levels(answered) == [0, 1], timeout=10, interval=0.1)
    incident_move(answered, "acknowledge", by=other_agent)

    assert wait_until(
        lambda: Escalation.objects.get(incident=ignored).state == Escalation.State.EXHAUSTED,
        timeout=20,
        interval=0.1,
    )
    took = time.monotonic() - started
    assert levels(ignored) == [0, 1, 2]
    assert 4 <= took < 20, took  # two 2 s waits, then the exhausting third

    time.sleep(3)  # past the acknowledged one's next step: nothing more
    assert levels(answered) == [0, 1]
    escalation = Escalation.objects.get(incident=answered)
    assert escalation.state == Escalation.State.ACKNOWLEDGED
    assert escalation.acknowledged_by == other_agent
    pages = Page.objects.filter(escalation__incident=ignored).order_by("level")
    gaps = [(b.paged_at - a.paged_at).total_seconds() for a, b in itertools.pairwise(pages)]
    assert all(1.8 <= gap < 6 for gap in gaps), gaps  # 2 s, give or take a busy CI
