"""Alerts from monitoring: the integrations they arrive through, the alerts themselves, the
groups that make one open incident per (integration, grouping key), silences, runbooks.

Written only through ``alerts.intake`` (alerts and groups) and the admin (integrations,
silences, runbooks)."""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from incidents.models import Severity
from kernel.enums import Impact, Urgency


class Kind(models.TextChoices):
    ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
    GRAFANA = "grafana", "Grafana alerting"
    EVENTS_V2 = "events_v2", "PagerDuty Events API v2"


class GroupBy(models.TextChoices):
    ALERT = "alert", "Each alert (its fingerprint or dedup_key)"
    LABELS = "labels", "Chosen labels"
    GROUP_KEY = "group_key", "The sender's group (Alertmanager's groupKey)"


class AuthMode(models.TextChoices):
    TOKEN = "token", "Bearer token (Authorization: Bearer <secret>)"
    HMAC = "hmac", "HMAC-SHA256 signature of the body in a header"


class AlertSeverity(models.TextChoices):
    """PagerDuty's four; Alertmanager and Grafana alerts name theirs in a ``severity`` label
    (``page`` and ``warn`` are read as critical and warning)."""

    CRITICAL = "critical", "Critical"
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"
    INFO = "info", "Info"


class AlertStatus(models.TextChoices):
    FIRING = "firing", "Firing"
    RESOLVED = "resolved", "Resolved"


def new_integration_key() -> str:
    """The URL's key: unguessable, and no credential (the secret is)."""
    return secrets.token_urlsafe(24)


def new_integration_secret() -> str:
    return "sdalert_" + secrets.token_urlsafe(32)


class Integration(models.Model):
    """A monitoring tool's way in: ``POST /api/v1/integrations/{key}/alerts/``."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind)
    key = models.CharField(max_length=64, unique=True, default=new_integration_key, editable=False)
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrations",
        help_text="The service its incidents are on, unless a routing rule names another.",
    )
    group_by = models.CharField(max_length=16, choices=GroupBy, default=GroupBy.ALERT)
    group_labels = models.JSONField(
        default=list,
        blank=True,
        help_text='With "chosen labels": the label names, e.g. ["alertname", "service"].',
    )
    resolve_incidents = models.BooleanField(
        default=True,
        help_text="Resolve the incident once every alert in it is resolved.",
    )
    enabled = models.BooleanField(default=True)
    auth = models.CharField(max_length=8, choices=AuthMode, default=AuthMode.TOKEN)
    secret = models.CharField(max_length=100, default=new_integration_secret, editable=False)
    signature_header = models.CharField(
        max_length=64,
        default="X-Signature-256",
        help_text="With HMAC: the header carrying sha256=<hex digest of the body>.",
    )
    flap_changes = models.PositiveSmallIntegerField(
        default=4, help_text="An alert that fires and resolves more than this many times…"
    )
    flap_minutes = models.PositiveSmallIntegerField(
        default=30, help_text="…within this many minutes is flapping: no timeline entries."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> str:
        return f"/api/v1/integrations/{self.key}/alerts/"

    def secret_hint(self) -> str:
        return f"{self.secret[: len('sdalert_') + 4]}…"


class RoutingRule(models.Model):
    """When an alert's label has this value, its incident goes to this service and/or gets
    this impact, urgency and severity. Rules are read in order; the first to set a value wins."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=100)
    value = models.CharField(max_length=200)
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    impact = models.PositiveSmallIntegerField(choices=Impact, null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(choices=Urgency, null=True, blank=True)
    severity = models.PositiveSmallIntegerField(choices=Severity, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["integration", "position", "id"]

    def __str__(self) -> str:
        return f"{self.label}={self.value}"


class Silence(models.Model):
    """Alerts matching it between ``starts_at`` and ``ends_at`` are recorded but open no
    incident and page nobody: a service, label matchers (all must match), or both."""

    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    matchers = models.JSONField(
        default=dict, blank=True, help_text='Labels that must all match, e.g. {"env": "staging"}.'
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="silence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(service__isnull=False) | ~Q(matchers={}),
                name="silence_matches_something",
            ),
        ]

    def __str__(self) -> str:
        return self.reason


class AlertGroup(models.Model):
    """The alerts of one open incident. At most one open group per (integration, key): the
    database refuses a twin, so concurrent posts of a new alert make one incident."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="groups")
    key = models.CharField(max_length=255)
    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, null=True, related_name="alert_group"
    )
    open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "key"],
                condition=Q(open=True),
                name="alertgroup_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.key


class Alert(models.Model):
    """One alert, as every sender's payload is normalized (``alerts.payloads``). Its later
    firings add to ``count``; after its incident is resolved the same key starts a new
    alert in a new group."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="alerts")
    group = models.ForeignKey(
        AlertGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
    )
    kind = models.CharField(max_length=16, choices=Kind)
    dedup_key = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=AlertStatus, default=AlertStatus.FIRING)
    summary = models.CharField(max_length=1024)
    severity = models.CharField(max_length=8, choices=AlertSeverity, default=AlertSeverity.ERROR)
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    generator_url = models.URLField(max_length=2000, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    suppressed = models.CharField(
        max_length=200, blank=True, help_text="Why it opened no incident (a silence, a change)."
    )
    flapping = models.BooleanField(default=False)
    changes = models.JSONField(
        default=list, help_text="When it last fired or resolved (for flapping)."
    )
    noted_at = models.DateTimeField(
        null=True, blank=True, help_text="Its last entry on the incident's timeline."
    )
    raw = models.JSONField(default=dict, help_text="The alert as sent (size-bounded).")

    class Meta:
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "dedup_key"], name="alert_once_per_group"),
            models.UniqueConstraint(
                fields=["integration", "dedup_key"],
                condition=Q(group__isnull=True),
                name="alert_once_while_suppressed",
            ),
        ]
        indexes = [
            models.Index(fields=["incident", "status"], name="alert_incident_status"),
            models.Index(fields=["status", "last_seen"], name="alert_status_seen"),
            models.Index(fields=["integration", "last_seen"], name="alert_integration_seen"),
            # The admin's list and the API's pages, latest seen first, at any size.
            models.Index(fields=["last_seen", "id"], name="alert_seen"),
            # A key's earlier alerts (flapping across incidents, an alert ending after its
            # incident), and the minute's sweep of the few that flap.
            models.Index(fields=["integration", "dedup_key"], name="alert_integration_key"),
            models.Index(fields=["id"], condition=Q(flapping=True), name="alert_flapping"),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def name(self) -> str:
        value: Any = self.labels.get("alertname") or self.summary
        return str(value)


class Delivery(models.Model):
    """A digest of each body received, kept ``ALERT_REPLAY_HOURS``: the same body delivered
    again (a sender's retry) changes nothing while the incident it went to is open. Once
    that incident is resolved or closed, the same body is news (an Events v2 sender's
    identical trigger or acknowledge for the next incident of its key)."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    received_at = models.DateTimeField(db_index=True)
    group = models.ForeignKey(
        AlertGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The one group the body went to (none: several, or it was silenced).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "digest"], name="delivery_once")
        ]

    def __str__(self) -> str:
        return self.digest


class Runbook(models.Model):
    """What to do about an alert, in Markdown (rendered safely: ``alerts.runbooks``). Shown
    on incidents whose service or alerts it matches."""

    title = models.CharField(max_length=200)
    body = models.TextField(max_length=100_000, help_text="Markdown.")
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="runbooks")
    alert_names = models.JSONField(
        default=list, blank=True, help_text='Alert names it is for, e.g. ["HighErrorRate"].'
    )
    matchers = models.JSONField(
        default=dict, blank=True, help_text='Labels that must all match, e.g. {"team": "db"}.'
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
