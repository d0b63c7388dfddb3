"""A sender that retries (a lost answer, a restart) sends bodies again: each of 250 bodies
delivered three times leaves the same incidents, alert counts and notifications as
delivering each once. (The same body after the incident it went to was resolved is news,
not a replay: ``test_intake_lifecycle``.)

250 bodies (500 until the suite outgrew its time budget) prove the same: over 60
fingerprints (40 keys for Events v2) each still fires, fires again while firing, resolves
and fires again after resolving several times, every body of every kind is replayed, and
the replays of one body follow each other either way."""

import json
import random
from datetime import timedelta

import pytest

from alerts.intake import receive
from alerts.models import Alert, AlertGroup, Kind
from notifications.models import Notification
from oncall.models import EscalationLevel, EscalationPolicy, Page
from tests.alerts.conftest import am_alert, am_body, ev2, send

pytestmark = pytest.mark.django_db

BODIES = 250


def alertmanager_bodies(rng: random.Random, count: int) -> list[bytes]:
    firing: dict[str, bool] = {}
    bodies = []
    for n in range(count):
        fingerprint = f"fp-{rng.randrange(60)}"
        if firing.get(fingerprint) and rng.random() < 0.4:
            alert = am_alert(
                fingerprint, status="resolved", ends_at=f"2026-12-02T12:{n % 60:02d}:00Z"
            )
            firing[fingerprint] = False
        else:
            alert = am_alert(fingerprint, starts_at=f"2026-12-02T10:{n % 60:02d}:00Z")
            firing[fingerprint] = True
        bodies.append(json.dumps(am_body(alert, group_key=f"send-{n}")).encode())
    return bodies


def events_bodies(rng: random.Random, count: int, secret: str) -> list[bytes]:
    bodies = []
    for n in range(count):
        key = f"ev-{rng.randrange(40)}"
        action = rng.choices(["trigger", "acknowledge", "resolve"], weights=[5, 2, 3])[0]
        body = ev2(action, key, secret) | {"client": f"monitor-{n}"}
        bodies.append(json.dumps(body).encode())
    return bodies


def outcome(integration) -> dict:
    groups = list(
        AlertGroup.objects.filter(integration=integration).select_related("incident").order_by("pk")
    )
    numbers = [group.incident.number for group in groups]
    return {
        "incidents": [(group.key, group.incident.status, group.open) for group in groups],
        "alerts": sorted(
            Alert.objects.filter(integration=integration).values_list(
                "group__key", "dedup_key", "count", "status"
            )
        ),
        "notifications": sorted(
            per_incident(Notification.objects.filter(payload__number__in=numbers), numbers)
        ),
        "pages": Page.objects.filter(escalation__incident__number__in=numbers).count(),
        "timeline": sorted(
            (numbers.index(group.incident.number), verb)
            for group in groups
            for verb in group.incident.timeline.values_list("verb", flat=True)
        ),
    }


def per_incident(notifications, numbers: list[str]) -> list[tuple[int, str, str]]:
    """Each notification as (which incident, kind, channel): comparable across integrations."""
    return [(numbers.index(n.payload["number"]), n.kind, n.channel) for n in notifications]


@pytest.fixture
def paging(team, agent, service):
    policy = EscalationPolicy.objects.create(name="Alerts", team=team, page_priorities=[1, 2])
    policy.services.add(service)
    EscalationLevel.objects.create(
        policy=policy, position=0, user=agent, delay=timedelta(minutes=5)
    )


@pytest.mark.parametrize("kind", [Kind.ALERTMANAGER, Kind.EVENTS_V2])
def test_every_body_three_times_is_every_body_once(make_integration, paging, kind, settings):
    # A "still firing" note marks a body that came a minute or more after the alert's last
    # note: wall time between bodies, which the second pass (three sends each) stretches on
    # a busy machine. Replays are what is compared here, so no gap may count as quiet.
    settings.ALERT_TIMELINE_SECONDS = 24 * 3600
    once, thrice = make_integration(kind=kind), make_integration(kind=kind)
    rng = random.Random(12)
    if kind == Kind.ALERTMANAGER:
        bodies = alertmanager_bodies(rng, BODIES)
    else:
        bodies = events_bodies(rng, BODIES, "shared-secret")
        once.secret = thrice.secret = "shared-secret"
        once.save()
        thrice.save()

    for body in bodies:
        receive(once, body)  # the control: each body once, straight to the intake
    for body in bodies:
        # The sender's retries (its answer was lost) come before its next body: Alertmanager
        # retries one group's message until it gets through, and so do Events v2 clients.
        for _ in range(3):
            assert send(thrice, body).status_code == 202

    expected, got = outcome(once), outcome(thrice)
    assert len(expected["incidents"]) > 10 and expected["notifications"] and expected["pages"]
    assert got == expected
