"""Integrations and senders' bodies for the alert tests: the payloads are built in the
senders' own shapes (Alertmanager webhook v4, Events v2), and posted to the endpoint."""

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from alerts.models import Integration, Kind
from catalog.models import Service

_serial = itertools.count(1)


@pytest.fixture
def make_integration(service: Service) -> Callable[..., Integration]:
    def make(**fields: Any) -> Integration:
        fields.setdefault("name", f"Monitoring {next(_serial)}")
        fields.setdefault("kind", Kind.ALERTMANAGER)
        fields.setdefault("service", service)
        return Integration.objects.create(**fields)

    return make


@pytest.fixture
def integration(make_integration: Callable[..., Integration]) -> Integration:
    return make_integration()


def am_alert(
    fingerprint: str,
    *,
    status: str = "firing",
    name: str = "HighErrorRate",
    starts_at: str = "2026-12-02T10:00:00Z",
    ends_at: str = "0001-01-01T00:00:00Z",
    severity: str = "critical",
    summary: str = "",
    **labels: str,
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": name, "severity": severity, "instance": fingerprint, **labels},
        "annotations": {"summary": summary or f"{name} on {fingerprint}"},
        "startsAt": starts_at,
        "endsAt": ends_at,
        "generatorURL": f"http://prometheus.example:9090/graph?g0.expr={name}",
        "fingerprint": fingerprint,
    }


def am_body(*alerts: dict[str, Any], group_key: str = '{}:{alertname="HighErrorRate"}') -> dict:
    """An Alertmanager webhook body (version 4) carrying ``alerts``."""
    firing = any(alert["status"] == "firing" for alert in alerts)
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": "firing" if firing else "resolved",
        "receiver": "servicedesk",
        "groupLabels": {"alertname": alerts[0]["labels"]["alertname"]} if alerts else {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example:9093",
        "alerts": list(alerts),
    }


def ev2(action: str, dedup_key: str | None, secret: str, **payload: Any) -> dict[str, Any]:
    """A PagerDuty Events v2 event."""
    body: dict[str, Any] = {"routing_key": secret, "event_action": action}
    if dedup_key is not None:
        body["dedup_key"] = dedup_key
    if action == "trigger":
        body["payload"] = {
            "summary": "Disk 95% full on db-1",
            "source": "db-1",
            "severity": "critical",
            **payload,
        }
    return body


def send(
    integration: Integration, body: dict | bytes, client: Client | None = None, **headers: str
):
    """POST ``body`` to the integration's endpoint with its secret as bearer token."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers.setdefault("Authorization", f"Bearer {integration.secret}")
    return (client or Client()).post(
        integration.path, data=data, content_type="application/json", headers=headers
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# --- a real server for concurrent senders -----------------------------------------------------


@pytest.fixture(scope="module")
def alert_server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory):
    """The app under gunicorn (2 processes x 16 threads, as deploy/ runs it but smaller) on
    the test database, for posts that must really run at once; its base URL. One per
    module: its tests are transactional (they commit what it must see, and the rows are
    deleted after each), and it keeps no state of its own between requests."""
    import os
    import subprocess
    import sys
    import urllib.request

    from django.db import connection

    from tests.notifications.harness import ROOT, wait_until
    from tests.services import free_port

    db = connection.settings_dict
    auth = (db["USER"] or "postgres") + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    database_url = (
        f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    tmp_path = tmp_path_factory.mktemp("alert-server")
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("ab")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "servicedesk.wsgi",
            "--workers",
            "2",
            "--threads",
            "16",
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "256",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            urllib.request.urlopen(f"{url}/health/", timeout=1)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    try:
        assert wait_until(up, timeout=30), (tmp_path / "gunicorn.log").read_text()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def post_raw(url: str, body: bytes, token: str) -> int:
    """POST ``body`` with a bearer token over real HTTP; the status (a 5xx too)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url,
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
