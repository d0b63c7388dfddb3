"""Every sender's payload, normalized into ``Incoming`` alerts, or refused with the reasons.

Three shapes: Prometheus Alertmanager's webhook (``version: "4"``), Grafana alerting's
webhook (the same shape, ``version: "1"``, with ``title``/``state``/``message`` and per alert
``values``/``valueString``, ``silenceURL``, ``dashboardURL``, ``panelURL``) and PagerDuty's
Events API v2. Pure: no database, no clock but the one passed in.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from alerts.models import AlertSeverity, AlertStatus, Kind

ZERO_TIME = "0001-01-01T00:00:00Z"  # Alertmanager's endsAt while an alert fires


class Action:
    TRIGGER = "trigger"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


# Alertmanager and Grafana alerts name their severity in a label, in each team's words.
SEVERITY_WORDS: dict[str, str] = {
    **dict.fromkeys(("critical", "crit", "page", "p1", "sev1", "disaster"), AlertSeverity.CRITICAL),
    **dict.fromkeys(("error", "err", "major", "high", "p2", "sev2"), AlertSeverity.ERROR),
    **dict.fromkeys(("warning", "warn", "minor", "average", "p3", "sev3"), AlertSeverity.WARNING),
    **dict.fromkeys(("info", "information", "low", "none", "p4", "p5", "ok"), AlertSeverity.INFO),
}
DEFAULT_SEVERITY = AlertSeverity.ERROR


class PayloadInvalid(Exception):
    """The body is JSON but not a payload of the integration's kind; ``errors`` say why."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Incoming:
    """One alert as every sender's payload is read."""

    action: str
    dedup_key: str
    summary: str = ""
    severity: str = DEFAULT_SEVERITY
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, Any] = field(default_factory=dict)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    generator_url: str = ""
    group_key: str = ""
    """The sender's own group (Alertmanager's ``groupKey``), for integrations grouping by it."""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return AlertStatus.RESOLVED if self.action == Action.RESOLVE else AlertStatus.FIRING

    @property
    def name(self) -> str:
        return self.labels.get("alertname") or self.summary


def parse(kind: str, document: Any, body: bytes) -> list[Incoming]:
    """The alerts in ``document`` (the decoded ``body``), or :class:`PayloadInvalid`."""
    if not isinstance(document, dict):
        raise PayloadInvalid(["The body must be a JSON object."])
    if kind == Kind.EVENTS_V2:
        return [_events_v2(document, body)]
    return _alertmanager(document, grafana=kind == Kind.GRAFANA)


def severity_of(word: object) -> str:
    return SEVERITY_WORDS.get(str(word).strip().lower(), DEFAULT_SEVERITY) if word else ""


# --- Alertmanager and Grafana ---------------------------------------------------------------


def _alertmanager(document: dict[str, Any], *, grafana: bool) -> list[Incoming]:
    errors: list[str] = []
    alerts = document.get("alerts")
    if not isinstance(alerts, list):
        raise PayloadInvalid(["'alerts' must be a list of alerts."])
    group_key = _text(document.get("groupKey"))
    common_annotations = _strings(document.get("commonAnnotations"), "commonAnnotations", errors)
    top_status = document.get("status")
    title = _text(document.get("title")) if grafana else ""
    incoming: list[Incoming] = []
    for index, alert in enumerate(alerts):
        where = f"alerts[{index}]"
        if not isinstance(alert, dict):
            errors.append(f"{where} must be an object.")
            continue
        labels = _strings(alert.get("labels"), f"{where}.labels", errors)
        annotations: dict[str, Any] = _strings(
            alert.get("annotations"), f"{where}.annotations", errors
        )
        status = alert.get("status", top_status)
        if status not in (AlertStatus.FIRING, AlertStatus.RESOLVED):
            errors.append(f"{where}.status must be 'firing' or 'resolved'.")
            continue
        starts_at = _time(alert.get("startsAt"), f"{where}.startsAt", errors)
        ends_at = _time(alert.get("endsAt"), f"{where}.endsAt", errors)
        if grafana:
            for source, key in (
                ("silenceURL", "silence_url"),
                ("dashboardURL", "dashboard_url"),
                ("panelURL", "panel_url"),
                ("valueString", "values"),
            ):
                if alert.get(source):
                    annotations.setdefault(key, _text(alert[source]))
            if isinstance(alert.get("values"), dict):
                annotations["values"] = alert["values"]
        fingerprint = _text(alert.get("fingerprint")) or _label_fingerprint(labels)
        summary = (
            annotations.get("summary")
            or annotations.get("description")
            or common_annotations.get("summary")
            or title
            or labels.get("alertname")
            or "Alert"
        )
        incoming.append(
            Incoming(
                action=Action.RESOLVE if status == AlertStatus.RESOLVED else Action.TRIGGER,
                dedup_key=fingerprint[:255],
                summary=str(summary)[:1024],
                severity=severity_of(labels.get("severity")) or DEFAULT_SEVERITY,
                labels=labels,
                annotations=annotations,
                starts_at=starts_at,
                ends_at=ends_at if status == AlertStatus.RESOLVED else None,
                generator_url=_text(alert.get("generatorURL"))[:2000],
                group_key=group_key,
                raw=alert,
            )
        )
    if errors:
        raise PayloadInvalid(errors)
    return incoming


def _label_fingerprint(labels: Mapping[str, str]) -> str:
    """A sender that sends no fingerprint: the same labels are the same alert."""
    text = json.dumps(sorted(labels.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _strings(value: Any, where: str, errors: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{where} must be an object of strings.")
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def _time(value: Any, where: str, errors: list[str]) -> datetime | None:
    if value in (None, "", ZERO_TIME):
        return None
    if not isinstance(value, str):
        errors.append(f"{where} must be an RFC 3339 time.")
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        errors.append(f"{where} must be an RFC 3339 time.")
        return None
    if parsed.year < 2:
        return None  # Go's zero time, in any spelling
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        # In UTC, as it is stored: 9999-12-31T23:00-18:00 is past the last year Python reads.
        return parsed.astimezone(UTC)
    except OverflowError:
        errors.append(f"{where} is out of range.")
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- PagerDuty Events API v2 -----------------------------------------------------------------

EVENTS_V2_SEVERITIES = frozenset(AlertSeverity.values)
EVENTS_V2_ACTIONS = (Action.TRIGGER, Action.ACKNOWLEDGE, Action.RESOLVE)
LABEL_FIELDS = ("source", "component", "group", "class")


def _events_v2(document: dict[str, Any], body: bytes) -> Incoming:
    """PagerDuty's rules, with its wording of the errors."""
    errors: list[str] = []
    action = document.get("event_action")
    if action not in EVENTS_V2_ACTIONS:
        errors.append("'event_action' must be one of trigger, acknowledge, resolve.")
    if not isinstance(document.get("routing_key"), str) or not document["routing_key"]:
        errors.append("'routing_key' is missing or blank.")
    dedup_key = document.get("dedup_key")
    if dedup_key is not None and (not isinstance(dedup_key, str) or not dedup_key):
        errors.append("'dedup_key' must be a non-empty string.")
    elif isinstance(dedup_key, str) and len(dedup_key) > 255:
        errors.append("'dedup_key' must be at most 255 characters.")
    if action in (Action.ACKNOWLEDGE, Action.RESOLVE) and not dedup_key:
        errors.append(f"'dedup_key' is required to {action} an alert.")
    if action != Action.TRIGGER:
        if errors:
            raise PayloadInvalid(errors)
        return Incoming(action=str(action), dedup_key=str(dedup_key), raw=_without_secret(document))

    payload = document.get("payload")
    if not isinstance(payload, dict):
        raise PayloadInvalid([*errors, "'payload' is missing or not an object."])
    summary = payload.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        errors.append("'payload.summary' is missing or blank.")
    elif len(summary) > 1024:
        errors.append("'payload.summary' must be at most 1024 characters.")
    source = payload.get("source")
    if not isinstance(source, str) or not source.strip():
        errors.append("'payload.source' is missing or blank.")
    severity = payload.get("severity")
    if severity not in EVENTS_V2_SEVERITIES:
        errors.append("'payload.severity' must be one of critical, error, warning, info.")
    starts_at = _time(payload.get("timestamp"), "'payload.timestamp'", errors)
    labels: dict[str, str] = {}
    for name in LABEL_FIELDS:
        value = payload.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            errors.append(f"'payload.{name}' must be a string.")
        elif value:
            labels[name] = value
    links, images = document.get("links", []), document.get("images", [])
    for name, value in (("links", links), ("images", images)):
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            errors.append(f"'{name}' must be a list of objects.")
    if errors:
        raise PayloadInvalid(errors)
    labels["severity"] = str(severity)
    annotations: dict[str, Any] = {}
    if payload.get("custom_details") is not None:
        annotations["custom_details"] = payload["custom_details"]
    if links:
        annotations["links"] = links
    if images:
        annotations["images"] = images
    first_link = next((link.get("href") for link in links if isinstance(link.get("href"), str)), "")
    return Incoming(
        action=Action.TRIGGER,
        # PagerDuty makes up a key when none is sent; ours is the body's digest, so the same
        # body sent again answers the same key.
        dedup_key=dedup_key or hashlib.sha256(body).hexdigest()[:32],
        summary=str(summary).strip(),
        severity=str(severity),
        labels=labels,
        annotations=annotations,
        starts_at=starts_at,
        generator_url=first_link[:2000],
        group_key=labels.get("group", ""),
        raw=_without_secret(document),
    )


def _without_secret(document: dict[str, Any]) -> dict[str, Any]:
    """The event as kept on the alert: ``routing_key`` may be the integration's secret."""
    return {key: value for key, value in document.items() if key != "routing_key"}
