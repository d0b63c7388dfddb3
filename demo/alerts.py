"""The demo's monitoring: a Prometheus Alertmanager integration routed by the alert's
``service`` label and a PagerDuty Events v2 one, a runbook, a silence, and alert incidents
made by posting the senders' own bodies through ``alerts.intake.receive``: two alerts
grouped into one incident, one incident resolved by its alerts, one acknowledged from the
sender, and a silenced alert that opened nothing."""

import json
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from alerts.intake import receive
from alerts.models import GroupBy, Integration, Kind, RoutingRule, Runbook, Silence
from catalog.models import Service
from kernel.enums import Impact, Urgency

RUNBOOK = """\
## What it means

More than 5% of the requests to the service answer 5xx for five minutes.

## What to do

1. Open the alert's *source* link: which instances, since when.
2. Check the latest deploy of the service; roll it back if it matches the start.
3. Still failing: page the service's owner team from the incident.
"""


def load_alerts(manager: User) -> list[Integration]:
    services = {service.name: service for service in Service.objects.all()}
    prometheus = Integration.objects.create(
        name="Prometheus",
        kind=Kind.ALERTMANAGER,
        service=services["Website"],
        # The alerts of one rule on one service share an incident.
        group_by=GroupBy.LABELS,
        group_labels=["alertname", "service"],
    )
    for position, (value, name) in enumerate((("erp", "ERP"), ("payroll", "Payroll"))):
        RoutingRule.objects.create(
            integration=prometheus,
            position=position,
            label="service",
            value=value,
            service=services[name],
        )
    RoutingRule.objects.create(
        integration=prometheus,
        position=9,
        label="severity",
        value="critical",
        impact=Impact.HIGH,
        urgency=Urgency.HIGH,
    )
    uptime = Integration.objects.create(
        name="Uptime checks", kind=Kind.EVENTS_V2, service=services["Website"]
    )
    runbook = Runbook.objects.create(
        title="High error rate", body=RUNBOOK, alert_names=["HighErrorRate"]
    )
    runbook.services.add(services["Website"], services["ERP"])
    now = timezone.now().replace(microsecond=0)
    Silence.objects.create(
        matchers={"env": "staging"},
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=7),
        reason="Staging is rebuilt this week",
        created_by=manager,
    )

    # ERP errors on two instances: one incident; disk on payroll: fired, then resolved.
    errors = [
        _am_alert("HighErrorRate", "erp", instance, now - timedelta(minutes=40))
        for instance in ("erp-1", "erp-2")
    ]
    disk = _am_alert("DiskAlmostFull", "payroll", "pay-db-1", now - timedelta(hours=3), "warning")
    staging = _am_alert("HighLatency", "website", "web-stage", now - timedelta(minutes=20))
    staging["labels"]["env"] = "staging"
    _send(prometheus, _am_body(*errors))
    _send(prometheus, _am_body(disk))
    _send(prometheus, _am_body({**disk, "status": "resolved", "endsAt": _iso(now)}))
    _send(prometheus, _am_body(staging))
    # The website's uptime check fails; the sender acknowledges it.
    down = {
        "routing_key": uptime.secret,
        "event_action": "trigger",
        "dedup_key": "website-https-check",
        "payload": {
            "summary": "https://www.example.com answers 503",
            "source": "uptime-checker-eu",
            "severity": "critical",
            "timestamp": _iso(now - timedelta(minutes=12)),
            "component": "website",
        },
    }
    _send(uptime, down)
    _send(uptime, {**down, "event_action": "acknowledge", "payload": None})
    return [prometheus, uptime]


def _send(integration: Integration, body: dict[str, Any]) -> None:
    receive(integration, json.dumps({k: v for k, v in body.items() if v is not None}).encode())


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _am_alert(
    name: str, service: str, instance: str, since: datetime, severity: str = "critical"
) -> dict[str, Any]:
    return {
        "status": "firing",
        "labels": {"alertname": name, "service": service, "instance": instance,
                   "severity": severity},
        "annotations": {"summary": f"{name} on {instance}"},
        "startsAt": _iso(since),
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": f"http://prometheus.example.com:9090/graph?g0.expr={name}",
        "fingerprint": f"{name}-{instance}".lower(),
    }  # fmt: skip


def _am_body(*alerts: dict[str, Any]) -> dict[str, Any]:
    first = alerts[0]["labels"]
    return {
        "version": "4",
        "receiver": "servicedesk",
        "status": "firing" if any(a["status"] == "firing" for a in alerts) else "resolved",
        "groupKey": f'{{}}:{{alertname="{first["alertname"]}"}}',
        "truncatedAlerts": 0,
        "groupLabels": {"alertname": first["alertname"]},
        "commonLabels": {"alertname": first["alertname"]},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example.com:9093",
        "alerts": list(alerts),
    }
