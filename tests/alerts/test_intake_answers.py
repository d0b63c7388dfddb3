"""What the endpoint answers: each refusal its documented status and a JSON body with a
``code``, never a 500; a 5,000-alert Alertmanager group (over Django's 2.5 MB default) taken
whole; a sender over its rate told when to come back in the way it retries."""

import hashlib
import hmac
import json
import time

import pytest
import time_machine

from alerts.models import Alert, AlertGroup, AuthMode, GroupBy, Kind
from tests.alerts.conftest import am_alert, am_body, ev2, send

pytestmark = pytest.mark.django_db


def signed(integration, body: bytes) -> str:
    return "sha256=" + hmac.new(integration.secret.encode(), body, hashlib.sha256).hexdigest()


def test_the_status_code_matrix(make_integration):
    am = make_integration()
    events = make_integration(kind=Kind.EVENTS_V2)
    signed_am = make_integration(auth=AuthMode.HMAC)
    disabled = make_integration(enabled=False)
    good = am_body(am_alert("fp-1"))
    good_bytes = json.dumps(good).encode()

    cases = {
        "bad JSON": (send(am, b'{"alerts": [}'), 400, "invalid_json"),
        "nested 3,000 deep": (send(am, b"[" * 3000 + b"]" * 3000), 400, "too_deep"),
        "a NUL in a label": (
            send(am, json.dumps(am_body(am_alert("fp-\u0000"))).encode()),
            400,
            "invalid",
        ),
        "no alerts list": (send(am, {"version": "4", "alerts": "none"}), 400, "invalid"),
        "an alert without a status": (send(am, {"alerts": [{"labels": {}}]}), 400, "invalid"),
        "a bad time": (
            send(am, am_body({**am_alert("fp-1"), "startsAt": "yesterday"})),
            400,
            "invalid",
        ),
        "a time past the last year once in UTC": (
            send(am, am_body({**am_alert("fp-1"), "startsAt": "9999-12-31T23:59:59-18:00"})),
            400,
            "invalid",
        ),
        "invalid Events v2 event": (
            send(events, {"routing_key": events.secret, "event_action": "explode"}),
            400,
            "invalid",
        ),
        "wrong token": (send(am, good, Authorization="Bearer nope"), 401, "not_authenticated"),
        "no token": (send(am, good, Authorization=""), 401, "not_authenticated"),
        "another integration's token": (
            send(am, good, Authorization=f"Bearer {events.secret}"),
            401,
            "not_authenticated",
        ),
        "bad signature": (
            send(signed_am, good_bytes, Authorization="", **{"X-Signature-256": "sha256=00"}),
            401,
            "not_authenticated",
        ),
        "signature of another body": (
            send(
                signed_am,
                good_bytes,
                Authorization="",
                **{"X-Signature-256": signed(signed_am, good_bytes + b" ")},
            ),
            401,
            "not_authenticated",
        ),
        "Events v2 with a wrong routing_key": (
            send(events, ev2("trigger", "k", "not-the-secret"), Authorization=""),
            401,
            "not_authenticated",
        ),
        "unknown integration": (
            send(am.__class__(key="no-such-key", secret="x"), good),
            404,
            "not_found",
        ),
        "disabled integration": (send(disabled, good), 403, "forbidden"),
        "over 10 MB": (send(am, b" " * (10 * 1024 * 1024 + 1)), 413, "payload_too_large"),
    }
    for name, (response, status, code) in cases.items():
        assert (response.status_code, response.json()["code"]) == (status, code), name
        assert response.json()["message"], name

    # PagerDuty's own words for an invalid event, beside our code.
    invalid = cases["invalid Events v2 event"][0].json()
    assert invalid["status"] == "invalid event"
    assert "'event_action' must be one of trigger, acknowledge, resolve." in invalid["errors"]
    assert "'dedup_key' is required to explode an alert." not in invalid["errors"]
    # Nothing was recorded by any refused request; a good signed body is taken.
    assert not Alert.objects.exists()
    ok = send(
        signed_am,
        good_bytes,
        Authorization="",
        **{"X-Signature-256": signed(signed_am, good_bytes)},
    )
    assert ok.status_code == 202
    assert Alert.objects.count() == 1


def test_events_v2_refusals_name_every_problem(make_integration):
    events = make_integration(kind=Kind.EVENTS_V2)
    body = ev2("trigger", "x" * 256, events.secret, summary="", severity="fatal", source=None)
    answer = send(events, body)

    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        "'dedup_key' must be at most 255 characters.",
        "'payload.summary' is missing or blank.",
        "'payload.source' is missing or blank.",
        "'payload.severity' must be one of critical, error, warning, info.",
    ]


def test_a_5000_alert_group_over_django_s_default_limit_is_taken_whole(make_integration, settings):
    integration = make_integration(group_by=GroupBy.GROUP_KEY)
    alerts = [
        am_alert(
            f"{n:016x}",
            name=f"TargetDown{n % 50}",
            summary=f"Target {n} of the scrape pool has been down for 5 minutes " + "x" * 300,
            job="node",
            pod=f"node-exporter-{n}",
        )
        for n in range(5000)
    ]
    body = json.dumps(am_body(*alerts, group_key='{}/{}:{job="node"}')).encode()
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440

    started = time.monotonic()
    answer = send(integration, body)
    elapsed = time.monotonic() - started

    assert answer.status_code == 202, answer.content
    assert answer.json()["alerts"] == 5000
    [group] = AlertGroup.objects.all()
    assert group.incident.alerts.count() == 5000
    # One timeline entry for the 5,000 (and the incident's own), not 5,000.
    assert group.incident.timeline.filter(verb="alert_fired").get().body.startswith("5000 alerts: ")
    assert elapsed < 60, elapsed

    # Every one of them resolving resolves the incident, in one body too.
    resolved = [
        {**alert, "status": "resolved", "endsAt": "2026-12-02T11:00:00Z"} for alert in alerts
    ]
    body = json.dumps(am_body(*resolved, group_key='{}/{}:{job="node"}')).encode()
    assert send(integration, body).status_code == 202
    group.incident.refresh_from_db()
    assert group.incident.status == 6  # Resolved
    assert not Alert.objects.filter(status="firing").exists()


def test_over_the_rate_limit_each_sender_is_told_to_retry_its_way(make_integration, settings):
    settings.ALERT_RATE_LIMIT_PER_MINUTE = 2
    am = make_integration()
    events = make_integration(kind=Kind.EVENTS_V2)
    from django.core.cache import cache

    cache.clear()
    # One fixed window: a slow machine must not carry the sends over a minute's boundary,
    # where the count starts again.
    with time_machine.travel(time.time(), tick=False):
        for n in range(2):
            assert send(am, am_body(am_alert(f"fp-{n}"))).status_code == 202
            assert send(events, ev2("trigger", f"k-{n}", events.secret)).status_code == 202

        # Alertmanager and Grafana retry only 5xx: they get a 503; Events v2 senders a 429.
        over_am = send(am, am_body(am_alert("fp-9")))
        over_events = send(events, ev2("trigger", "k-9", events.secret))
    assert over_am.status_code == 503 and over_events.status_code == 429
    for answer in (over_am, over_events):
        assert answer.json()["code"] == "throttled"
        assert 1 <= int(answer["Retry-After"]) <= 60
    assert not Alert.objects.filter(dedup_key__in=["fp-9", "k-9"]).exists()
