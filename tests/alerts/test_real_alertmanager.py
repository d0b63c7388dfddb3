"""Must-show 7: a real sender. Debian's Prometheus Alertmanager (``.ci/run`` installs it)
gets alerts through its own API and sends them, as it would in production, to our web app
running as a real server: the incidents appear, group, and resolve when the alerts end,
and its own retries carry an alert across a restart of our server.

Two integrations receive the same messages (one receiver, two webhooks): one makes an
incident per alert (the default, by fingerprint), the other one per Alertmanager group
(``groupKey``)."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from alerts.models import Alert, AlertStatus, GroupBy, Integration, Kind
from catalog.models import Service
from incidents.models import Incident, ResolutionCode, Source, Status
from tests.alerts.alertmanager import (
    Alertmanager,
    Webhook,
    WebServer,
    fingerprint,
    running_alertmanager,
)
from tests.notifications.harness import wait_until, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

ERRORS = {
    "alertname": "HighErrorRate",
    "job": "checkout",
    "service": "payments",
    "severity": "critical",
}
ONE = {**ERRORS, "instance": "checkout-1:8080"}
TWO = {**ERRORS, "instance": "checkout-2:8080"}
DISK = {"alertname": "DiskFull", "instance": "db-1:9100", "severity": "warning"}


@pytest.fixture
def database_url(transactional_db: None) -> str:
    """The test database, for the web server's process (only transactional tests commit
    what another process can see)."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def web(database_url: str, tmp_path: Path) -> Iterator[WebServer]:
    env = worker_env(database_url, settings.CELERY_BROKER_URL, tmp_path / "mail")
    server = WebServer(env, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def integrations(service: Service) -> tuple[Integration, Integration]:
    per_alert = Integration.objects.create(
        name="Prometheus (per alert)", kind=Kind.ALERTMANAGER, service=service
    )
    per_group = Integration.objects.create(
        name="Prometheus (per group)",
        kind=Kind.ALERTMANAGER,
        service=service,
        group_by=GroupBy.GROUP_KEY,
    )
    return per_alert, per_group


@pytest.fixture
def alertmanager(
    web: WebServer, integrations: tuple[Integration, Integration], tmp_path: Path
) -> Iterator[Alertmanager]:
    hooks = [
        Webhook(web.url + integration.path, integration.secret) for integration in integrations
    ]
    with running_alertmanager(tmp_path / "alertmanager", hooks) as manager:
        yield manager


def incidents_of(integration: Integration) -> list[Incident]:
    return list(Incident.objects.filter(alerts__integration=integration).distinct().order_by("pk"))


def alert_of(integration: Integration, labels: dict[str, str]) -> Alert:
    return Alert.objects.select_related("incident").get(
        integration=integration, dedup_key=fingerprint(labels)
    )


def until(check: Callable[[], bool], what: str, *, timeout: float = 20) -> None:
    assert wait_until(check, timeout=timeout, interval=0.25), what


def test_alerts_become_incidents_group_and_resolve_when_all_have_ended(
    alertmanager: Alertmanager, integrations: tuple[Integration, Integration], web: WebServer
) -> None:
    per_alert, per_group = integrations
    alertmanager.fire(ONE, summary="5xx above 5% on checkout-1")
    alertmanager.fire(TWO, summary="5xx above 5% on checkout-2")

    # One Alertmanager group (same alertname), one message carrying both alerts.
    until(lambda: len(incidents_of(per_alert)) == 2, "an incident per alert")
    until(lambda: len(incidents_of(per_group)) == 1, "one incident for the group")
    one, two = alert_of(per_alert, ONE), alert_of(per_alert, TWO)
    assert one.incident != two.incident
    for alert, labels, summary in (
        (one, ONE, "5xx above 5% on checkout-1"),
        (two, TWO, "5xx above 5% on checkout-2"),
    ):
        assert alert.status == AlertStatus.FIRING
        assert alert.summary == summary
        assert alert.labels == labels
        assert alert.severity == "critical"
        assert alert.incident is not None
        assert alert.incident.source == Source.MONITORING
        assert alert.incident.status not in (Status.RESOLVED, Status.CLOSED)
    [grouped] = incidents_of(per_group)
    assert sorted(grouped.alerts.values_list("labels__instance", flat=True)) == [
        "checkout-1:8080",
        "checkout-2:8080",
    ]
    assert grouped.alert_group.key == '{}:{alertname="HighErrorRate"}'

    # One ends: its own incident resolves; the group's stays open while the other fires.
    alertmanager.end(ONE)
    until(
        lambda: alert_of(per_group, ONE).status == AlertStatus.RESOLVED,
        "the end of the first alert reaches the group's incident",
    )
    until(
        lambda: alert_of(per_alert, ONE).incident.status == Status.RESOLVED,
        "the first alert's own incident resolves",
    )
    grouped.refresh_from_db()
    assert grouped.status not in (Status.RESOLVED, Status.CLOSED)
    assert grouped.timeline.get(verb="alerts_firing").body == "Still firing: HighErrorRate"
    assert alert_of(per_alert, TWO).incident.status != Status.RESOLVED

    # The other ends: every alert resolved, so the group's incident resolves too.
    alertmanager.end(TWO)
    until(
        lambda: Incident.objects.get(pk=grouped.pk).status == Status.RESOLVED,
        "the group's incident resolves once both alerts ended",
    )
    grouped.refresh_from_db()
    assert grouped.resolution_code == ResolutionCode.CLEARED_BY_MONITORING
    assert grouped.resolved_at is not None
    assert alert_of(per_alert, TWO).incident.status == Status.RESOLVED
    assert len(incidents_of(per_alert)) == 2
    assert len(incidents_of(per_group)) == 1
    assert alertmanager.failed() == 0, web.output()[-3000:]


def test_alertmanagers_retries_carry_an_alert_across_a_restart_of_our_server(
    alertmanager: Alertmanager, integrations: tuple[Integration, Integration], web: WebServer
) -> None:
    per_alert, per_group = integrations
    web.stop()
    alertmanager.fire(DISK, summary="Disk 95% full on db-1")
    # It tries, is refused, and keeps trying (a connection error is retried, like a 5xx).
    until(lambda: alertmanager.failed() >= 2, "Alertmanager retries the refused webhook")
    assert not Alert.objects.exists()

    web.start()
    until(lambda: len(incidents_of(per_alert)) == 1, "the retry delivers the alert", timeout=30)
    until(lambda: len(incidents_of(per_group)) == 1, "to both integrations", timeout=30)
    delivered = alertmanager.delivered()
    # Two more group intervals: nothing new arrives, and nothing is doubled.
    time.sleep(5)
    assert len(incidents_of(per_alert)) == 1
    assert len(incidents_of(per_group)) == 1
    for integration in integrations:
        alert = alert_of(integration, DISK)
        assert alert.status == AlertStatus.FIRING
        assert alert.summary == "Disk 95% full on db-1"
        assert alert.severity == "warning"
        assert alert.count == 1
    assert alertmanager.delivered() == delivered == 2  # one notification per webhook
