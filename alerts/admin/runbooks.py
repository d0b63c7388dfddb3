"""Runbooks in the console: managers write them (with a preview of what agents will read),
agents read them on their own page (the address the page email links to) and on the
change form of every incident they match."""

import re
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_pickers import SafePickers
from alerts.models import Runbook
from alerts.runbooks import links_for, reading_path, render
from incidents.models import Incident
from kernel.admin.panels import Panel, PanelRow

READ_PERMISSION = "alerts.view_runbook"
# Prometheus's label names (and a key a JSON path cannot mistake for an array index).
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


class RunbookForm(forms.ModelForm):
    """The JSON fields take only the shapes the matching reads: a list of names, a flat
    object of label values."""

    class Meta:
        model = Runbook
        fields = ("title", "body", "services", "alert_names", "matchers")

    def clean_alert_names(self) -> list[str]:
        names = self.cleaned_data["alert_names"] or []
        if not isinstance(names, list) or not all(
            isinstance(name, str) and name.strip() for name in names
        ):
            raise forms.ValidationError('A list of alert names, e.g. ["HighErrorRate"].')
        return [name.strip() for name in names]

    def clean_matchers(self) -> dict[str, str]:
        matchers = self.cleaned_data["matchers"] or {}
        if not isinstance(matchers, dict) or not all(
            LABEL_NAME.fullmatch(label) and isinstance(value, str)
            for label, value in matchers.items()
        ):
            raise forms.ValidationError(
                'An object of label names and values, e.g. {"team": "db"}; label names as '
                "Prometheus spells them (letters, digits and _, not starting with a digit)."
            )
        return matchers


@admin.register(Runbook)
class RunbookAdmin(SafePickers, SimpleHistoryAdmin):
    form = RunbookForm
    list_display = ("title", "names", "service_names", "updated_at", "read_link")
    list_filter = ("services",)
    search_fields = ("title", "body")
    autocomplete_fields = ("services",)
    readonly_fields = ("preview", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "body", "preview")}),
        (
            "Shown on",
            {
                "description": "Incidents whose alerts have one of these names or carry all "
                "these labels, then incidents on these services.",
                "fields": ("alert_names", "matchers", "services"),
            },
        ),
        (None, {"fields": ("updated_at",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Runbook]:
        return super().get_queryset(request).prefetch_related("services")

    @admin.display(description="Alert names")
    def names(self, runbook: Runbook) -> str:
        return ", ".join(runbook.alert_names)

    @admin.display(description="Services")
    def service_names(self, runbook: Runbook) -> str:
        return ", ".join(service.name for service in runbook.services.all())

    @admin.display(description="")
    def read_link(self, runbook: Runbook) -> str:
        return format_html('<a href="{}">Read</a>', reading_path(runbook))

    @admin.display(description="Preview")
    def preview(self, runbook: Runbook | None) -> SafeString | str:
        if runbook is None or runbook.pk is None:
            return "Shown once the runbook is saved."
        return render(runbook.body)

    def get_urls(self) -> list[URLPattern]:
        read = path(
            "<path:object_id>/read/",
            self.admin_site.admin_view(self.read_view),
            name="alerts_runbook_read",
        )
        return [read, *super().get_urls()]

    def read_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The runbook as agents read it: the address the page email links to."""
        runbook = self.get_object(request, object_id)
        if runbook is None:
            raise Http404
        if not self.has_view_permission(request, runbook):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": runbook,
            "title": runbook.title,
            "body": render(runbook.body),
            "services": list(runbook.services.all()),
            "has_change_permission": self.has_change_permission(request, runbook),
        }
        return TemplateResponse(request, "admin/alerts/runbook/read.html", context)


@dataclass(frozen=True)
class RunbookRow(PanelRow):
    """A runbook on the incident's change form: its title links to where it is read (our
    reading page, or the address an alert gave), its body under it."""

    target: str = ""

    @property
    def url(self) -> str:
        return self.target


def runbook_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """The incident's runbooks, best match first, with their content; nothing when it has
    none or the user may not read runbooks."""
    if not request.user.has_perm(READ_PERMISSION):
        return None
    links = links_for(incident)
    if not links:
        return None
    rows: list[PanelRow] = [
        RunbookRow(
            link.title,
            note="" if link.runbook is not None else "Linked from the alert.",
            content=render(link.runbook.body) if link.runbook is not None else "",
            target=link.url,
        )
        for link in links
    ]
    return Panel("Runbooks", rows)
