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
