"""Alerts straight into the table, for tests of what the admin and the API read: intake
writes them in normal operation (``alerts.intake``), and its own tests cover that."""

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from alerts.models import Alert, AlertStatus, Integration, Kind
from catalog.models import Service
from incidents.models import Incident

_keys = itertools.count(1)


def integration(
    name: str = "Prometheus", service: Service | None = None, **fields: Any
) -> Integration:
    fields.setdefault("kind", Kind.ALERTMANAGER)
    return Integration.objects.create(name=name, service=service, **fields)


def alert(source: Integration, incident: Incident | None = None, **fields: Any) -> Alert:
    return alerts(source, 1, incident=incident, **fields)[0]


def alerts(
    source: Integration, how_many: int, *, incident: Incident | None = None, **fields: Any
) -> list[Alert]:
    now = timezone.now()
    rows = []
    for i in range(how_many):
        n = next(_keys)
        values: dict[str, Any] = {
            "integration": source,
            "incident": incident,
            "kind": source.kind,
            "dedup_key": f"fp{n:08d}",
            "status": AlertStatus.FIRING,
            "summary": f"Disk almost full on db{n}",
            "severity": "critical",
            "labels": {"alertname": f"DiskFull{n}", "instance": f"db{n}"},
            "annotations": {"summary": f"Disk almost full on db{n}"},
            "starts_at": now - timedelta(minutes=10 + i),
            "first_seen": now - timedelta(minutes=10 + i),
            "last_seen": now - timedelta(minutes=i),
            "generator_url": f"http://prometheus.example.com/graph?g0.expr=disk{n}",
            "raw": {"fingerprint": f"fp{n:08d}"},
        }
        values.update(fields)
        rows.append(Alert(**values))
    return Alert.objects.bulk_create(rows)
