"""The senders' own example payloads, as their documentation prints them (sources in
tests/alerts/fixtures/README.md), posted through the endpoint: each is accepted and read
into the alerts a user would expect (summary, severity, labels, status, dedup key)."""

import json
from pathlib import Path

import pytest

from alerts.models import Alert, AlertStatus, Kind
from incidents.models import ResolutionCode, Source, Status
from tests.alerts.conftest import at, send

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    """The file's bytes, posted as they are."""
    return (FIXTURES / name).read_bytes()


def alerts_of(integration):
    return {alert.dedup_key: alert for alert in Alert.objects.filter(integration=integration)}


# --- Grafana -------------------------------------------------------------------------------

GRAFANA_LABELS = {
    "c6eadffa33fcdf37": {"alertname": "High memory usage", "team": "blue", "zone": "us-1"},
    "bc97ff14869b13e3": {"alertname": "High CPU usage", "team": "blue", "zone": "eu-1"},
}
GRAFANA_SUMMARIES = {
    "c6eadffa33fcdf37": "This alert was triggered for zone us-1",
    "bc97ff14869b13e3": "This alert was triggered for zone eu-1",
}


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("grafana-webhook.json", {"B": 44.23943737541908, "C": 1}),
        ("grafana9-webhook.json", "[ metric='' labels={} value=14151.331895396988 ]"),
    ],
)
def test_grafanas_documented_webhook_opens_an_incident_per_alert(make_integration, name, values):
    integration = make_integration(kind=Kind.GRAFANA)

    response = send(integration, fixture(name))

    assert response.status_code == 202, response.content
    assert response.json() == {"status": "success", "message": "Alerts processed", "alerts": 2}
    alerts = alerts_of(integration)
    assert set(alerts) == set(GRAFANA_LABELS)
    for key, alert in alerts.items():
        assert alert.kind == Kind.GRAFANA
        assert alert.status == AlertStatus.FIRING
        assert alert.summary == GRAFANA_SUMMARIES[key]
        assert alert.labels == GRAFANA_LABELS[key]
        # No severity label: the default.
        assert alert.severity == "error"
        assert alert.ends_at is None  # "0001-01-01T00:00:00Z" means still firing
        assert alert.incident is not None
        assert alert.incident.source == Source.MONITORING
        assert alert.annotations["runbook_url"] == "https://myrunbook.com/runbook/1234"
        assert alert.annotations["silence_url"].startswith("https://play.grafana.org/alerting/")
    memory = alerts["c6eadffa33fcdf37"]
    assert memory.starts_at == at("2021-10-12T07:51:03.157076Z")  # +02:00 in the body
    assert memory.generator_url == "https://play.grafana.org/alerting/1afz29v7z/edit"
    # Grafana 10+ sends the values as an object, Grafana 9 as a string: both are kept.
    assert memory.annotations["values"] == values
    assert memory.incident.title == "High memory usage: This alert was triggered for zone us-1"
    assert memory.incident.detected_at == memory.starts_at
    assert alerts["bc97ff14869b13e3"].incident != memory.incident


# --- PagerDuty Events API v2 -----------------------------------------------------------------


SOURCE = "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003"


@pytest.fixture
def events_v2(make_integration):
    return make_integration(kind=Kind.EVENTS_V2)


@pytest.fixture
def triggered(events_v2):
    response = send(events_v2, fixture("events-v2-trigger.json"))
    assert response.status_code == 202, response.content
    assert response.json() == {
        "status": "success",
        "message": "Event processed",
        "dedup_key": "samplekeyhere",
    }
    return Alert.objects.get(integration=events_v2)


def test_pagerdutys_documented_trigger_opens_an_incident(triggered):
    alert = triggered
    assert alert.kind == Kind.EVENTS_V2
    assert alert.dedup_key == "samplekeyhere"
    assert alert.status == AlertStatus.FIRING
    assert alert.summary == "Example alert on host1.example.com"
    assert alert.severity == "info"
    assert alert.labels == {
        "source": SOURCE,
        "component": "postgres",
        "group": "prod-datapipe",
        "class": "deploy",
        "severity": "info",
    }
    assert alert.annotations["custom_details"] == {"ping time": "1500ms", "load avg": 0.75}
    assert alert.annotations["links"] == [{"href": "https://example.com/", "text": "Link text"}]
    assert alert.annotations["images"][0]["alt"] == "Example text"
    # "2015-07-17T08:42:58.315+0000": PagerDuty's own timestamp spelling, without a colon.
    assert alert.starts_at == at("2015-07-17T08:42:58.315Z")
    assert alert.generator_url == "https://example.com/"
    assert alert.raw["client"] == "Sample Monitoring Service"
    incident = alert.incident
    assert incident.title == "Example alert on host1.example.com"
    assert incident.status == Status.NEW
    assert incident.detected_at == alert.starts_at


@pytest.mark.parametrize("name", ["events-v2-acknowledge.json", "events-v2-resolve.json"])
def test_pagerdutys_documented_acknowledge_and_resolve_as_printed_touch_nothing(
    events_v2, triggered, name
):
    """As printed, they name ``dedupkeyhere``, which nobody triggered: PagerDuty drops such
    events, and so do we, with a 202."""
    response = send(events_v2, fixture(name))

    assert response.status_code == 202, response.content
    assert response.json() == {
        "status": "success",
        "message": "Event processed",
        "dedup_key": "dedupkeyhere",
    }
    assert list(Alert.objects.filter(integration=events_v2)) == [triggered]
    triggered.refresh_from_db()
    assert triggered.status == AlertStatus.FIRING
    assert triggered.acknowledged_at is None
    triggered.incident.refresh_from_db()
    assert triggered.incident.status == Status.NEW
    assert triggered.incident.acknowledged_at is None


def aimed_at_the_trigger(name: str) -> bytes:
    """The documented event, with the one change that makes it refer to the documented
    trigger: its ``dedup_key``."""
    event = json.loads(fixture(name))
    assert event["dedup_key"] == "dedupkeyhere"
    event["dedup_key"] = "samplekeyhere"
    return json.dumps(event).encode()


def test_pagerdutys_documented_acknowledge_then_resolve_act_on_the_trigger(events_v2, triggered):
    acknowledged = send(events_v2, aimed_at_the_trigger("events-v2-acknowledge.json"))

    assert acknowledged.status_code == 202, acknowledged.content
    assert acknowledged.json()["dedup_key"] == "samplekeyhere"
    triggered.refresh_from_db()
    assert triggered.acknowledged_at is not None
    assert triggered.status == AlertStatus.FIRING
    incident = triggered.incident
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS
    assert incident.acknowledged_at is not None

    resolved = send(events_v2, aimed_at_the_trigger("events-v2-resolve.json"))

    assert resolved.status_code == 202, resolved.content
    triggered.refresh_from_db()
    assert triggered.status == AlertStatus.RESOLVED
    assert triggered.ends_at is not None
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.resolution_code == ResolutionCode.CLEARED_BY_MONITORING


# --- Alertmanager ----------------------------------------------------------------------------

AM_LABELS = {
    "4a6c2d182f7cd3de": "checkout-1:8080",
    "b04ec41d7febdc7f": "checkout-2:8080",
}


def test_what_a_real_alertmanager_sent_opens_and_then_resolves_its_incidents(integration):
    """Two bodies Debian's Alertmanager 0.25 sent (the docs give only a schema): one group
    of two firing alerts, then the same two resolved."""
    response = send(integration, fixture("alertmanager-firing.json"))

    assert response.status_code == 202, response.content
    assert response.json() == {"status": "success", "message": "Alerts processed", "alerts": 2}
    alerts = alerts_of(integration)
    assert set(alerts) == set(AM_LABELS)
    for key, alert in alerts.items():
        instance = AM_LABELS[key]
        assert alert.kind == Kind.ALERTMANAGER
        assert alert.status == AlertStatus.FIRING
        assert alert.summary == f"5xx above 5% on {instance}"
        assert alert.severity == "critical"
        assert alert.labels == {
            "alertname": "HighErrorRate",
            "instance": instance,
            "job": "checkout",
            "service": "payments",
            "severity": "critical",
        }
        assert alert.incident.status == Status.NEW
    first = alerts["4a6c2d182f7cd3de"]
    assert first.starts_at == at("2026-12-02T21:13:17.468397Z")
    assert first.incident.title == "HighErrorRate: 5xx above 5% on checkout-1:8080"

    response = send(integration, fixture("alertmanager-resolved.json"))

    assert response.status_code == 202, response.content
    for alert in alerts_of(integration).values():
        assert alert.status == AlertStatus.RESOLVED
        assert alert.ends_at is not None
        assert alert.count == 1
        assert alert.incident.status == Status.RESOLVED
        assert alert.incident.resolution_code == ResolutionCode.CLEARED_BY_MONITORING
    assert alerts_of(integration)["4a6c2d182f7cd3de"].ends_at == at("2026-12-02T21:13:20.470395Z")
