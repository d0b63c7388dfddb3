"""Alerts in the agents' console, read-only (only ``alerts.intake`` writes them): a list
that stays fast at 100,000 rows, and the "Alerts" panel on an incident's change form."""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from alerts.models import Alert, AlertStatus
from alerts.runbooks import is_web_address
from incidents.models import Incident
from kernel.admin.panels import Panel, PanelRow

PANEL_ROWS = 50
# What a page of the list reads: its columns, not the sender's payload (which may be
# large) nor the incident's texts.
LIST_COLUMNS = (
    "summary",
    "integration__name",
    "status",
    "severity",
    "count",
    "first_seen",
    "last_seen",
    "incident__number",
    "flapping",
    "suppressed",
)


def safe_link(url: str, label: str) -> SafeString | str:
    # It comes from the monitoring tool: anything but http(s) (``javascript:``) is text.
    if not is_web_address(url):
        return url
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, label)


def pretty(value: Any) -> SafeString:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True))


class AlertChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Any]:
        return super().get_queryset(request, exclude_parameters).only(*LIST_COLUMNS)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = (
        "summary",
        "integration",
        "status",
        "severity",
        "count",
        "first_seen",
        "last_seen",
        "incident_link",
        "flapping",
        "suppressed_short",
    )
    list_filter = (
        "integration",
        "status",
        "severity",
        "flapping",
        ("suppressed", admin.EmptyFieldListFilter),
        "kind",
    )
    search_fields = ("summary", "dedup_key")
    list_select_related = ("integration", "incident")
    # The unfiltered COUNT(*) over every alert on each page is a cost the list does not need.
    show_full_result_count = False
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "summary",
                    "integration",
                    "kind",
                    "dedup_key",
                    "status",
                    "severity",
                    "incident_link",
                    "source_link",
                )
            },
        ),
        (
            "When",
            {
                "fields": (
                    "starts_at",
                    "ends_at",
                    "first_seen",
                    "last_seen",
                    "count",
                    "acknowledged_at",
                )
            },
        ),
        ("Noise", {"fields": ("flapping", "suppressed")}),
        ("As sent", {"fields": ("labels_shown", "annotations_shown", "raw_shown")}),
    )
    # Nothing is editable (no change permission); these are the computed ones.
    readonly_fields = (
        "incident_link",
        "source_link",
        "labels_shown",
        "annotations_shown",
        "raw_shown",
    )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return AlertChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # alerts arrive from monitoring

    def has_change_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        return False  # the record of what monitoring said

    @admin.display(description="incident", ordering="incident__number")
    def incident_link(self, obj: Alert) -> SafeString | str:
        if obj.incident is None:
            return "—"
        url = reverse("admin:incidents_incident_change", args=[obj.incident_id])
        return format_html('<a href="{}">{}</a>', url, obj.incident.number)

    @admin.display(description="suppressed", ordering="suppressed")
    def suppressed_short(self, obj: Alert) -> str:
        return obj.suppressed[:60]

    @admin.display(description="source")
    def source_link(self, obj: Alert) -> SafeString | str:
        return safe_link(obj.generator_url, obj.generator_url) if obj.generator_url else "—"

    @admin.display(description="labels")
    def labels_shown(self, obj: Alert) -> SafeString:
        return pretty(obj.labels)

    @admin.display(description="annotations")
    def annotations_shown(self, obj: Alert) -> SafeString:
        return pretty(obj.annotations)

    @admin.display(description="payload")
    def raw_shown(self, obj: Alert) -> SafeString:
        return pretty(obj.raw)


def alert_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """The incident's alerts, still-firing first, then the latest seen. None for an
    incident no alert opened, so a person's incident shows no empty panel."""
    if not request.user.has_perm("alerts.view_alert"):
        return None
    alerts = list(
        Alert.objects.filter(incident=incident)
        .defer("raw", "annotations", "changes")  # the labels give the name
        .annotate(
            firing=Case(
                When(status=AlertStatus.FIRING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("firing", "-last_seen", "-id")[: PANEL_ROWS + 1]
    )
    if not alerts:
        return None
    rows: list[PanelRow] = [alert_row(alert) for alert in alerts[:PANEL_ROWS]]
    if len(alerts) > PANEL_ROWS:
        more = Alert.objects.filter(incident=incident).count() - PANEL_ROWS
        everything = (
            reverse("admin:alerts_alert_changelist") + f"?incident__id__exact={incident.pk}"
        )
        rows.append(AlertRow(f"and {more} more", page=everything))
    return Panel("Alerts", rows)


@dataclass(frozen=True)
class AlertRow(PanelRow):
    """A row naming an alert (or the rest of them), linking to its page in the admin."""

    page: str = ""

    @property
    def url(self) -> str:
        return self.page


def alert_row(alert: Alert) -> PanelRow:
    parts = [
        alert.get_status_display(),
        alert.get_severity_display(),
        "seen once" if alert.count == 1 else f"seen {alert.count} times",
        f"first {_when(alert.first_seen)}",
        f"last {_when(alert.last_seen)}",
    ]
    if alert.flapping:
        parts.append("flapping")
    if alert.suppressed:
        parts.append(f"suppressed: {alert.suppressed}")
    source = alert.generator_url if is_web_address(alert.generator_url) else ""
    # Alerts of one rule share a name; the summary tells them apart (instance, service).
    said = f"{alert.summary}\n" if alert.summary and alert.summary != alert.name else ""
    return AlertRow(
        alert.name,
        note=said + " · ".join(parts),
        page=reverse("admin:alerts_alert_change", args=[alert.pk]),
        link_url=source,
        link_label="source" if source else "",
    )


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
