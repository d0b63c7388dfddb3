"""The major-incident board: open declared incidents with their severity, commander, time
since impact started, last update and next update due (overdue in red), and child count.
Read-only; each row links to the incident's own change form. Its admin also serves the
POST targets of the incident form's major-incident panels (``response.admin.panels``)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from response.admin import views
from response.board import board_rows
from response.models import MajorIncident


@admin.register(MajorIncident)
class MajorIncidentAdmin(admin.ModelAdmin):
    list_display = (
        "incident",
        "sev",
        "commander",
        "since_impact",
        "last_update",
        "next_update",
        "children",
    )
    list_display_links = None
    list_filter = ("severity", "service")
    search_fields = ("number", "title")
    ordering = ("-major_since", "-id")
    list_per_page = 100

    class Media:
        css = {"all": ("response/response.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[MajorIncident]:
        return board_rows(super().get_queryset(request))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        # A board, not a list to pick a record from ("Select major incident to view").
        context = {"title": "Major-incident board", "subtitle": None, **(extra_context or {})}
        return super().changelist_view(request, context)  # type: ignore[return-value]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # declared with the incident's "declare" move

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # worked on the incident's own form

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Incident", ordering="number")
    def incident(self, obj: MajorIncident) -> SafeString:
        url = reverse("admin:incidents_incident_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a> {}', url, obj.number, obj.title)

    @admin.display(description="Severity", ordering="severity")
    def sev(self, obj: MajorIncident) -> str:
        return f"SEV{obj.severity}" if obj.severity else "-"  # the filter spells them out

    @admin.display(description="Commander")
    def commander(self, obj: MajorIncident) -> str:
        commanders = getattr(obj, "commanders", [])
        return ", ".join(str(role.user) for role in commanders) or "-"

    @admin.display(description="Impact for", ordering="impact_since")
    def since_impact(self, obj: MajorIncident) -> str:
        return timesince(obj.impact_since, depth=2)  # type: ignore[attr-defined]

    @admin.display(description="Last update", ordering="last_update_at")
    def last_update(self, obj: MajorIncident) -> str:
        last = obj.last_update_at  # type: ignore[attr-defined]
        return f"{timesince(last, depth=1)} ago" if last else "None yet"

    @admin.display(description="Next update due", ordering="next_update_due")
    def next_update(self, obj: MajorIncident) -> SafeString | str:
        due = obj.next_update_due  # type: ignore[attr-defined]
        if due is None:
            return "-"
        when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
        if due <= timezone.now():
            return format_html('<span class="update-overdue">{} (overdue)</span>', when)
        return format_html('<span class="update-due">{}</span>', when)

    @admin.display(description="Children", ordering="child_count")
    def children(self, obj: MajorIncident) -> int:
        return int(obj.child_count)  # type: ignore[attr-defined]

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        pages = [
            path(f"<int:incident_id>/{name}/", wrap(view), name=f"response_{name}")
            for name, view in views.PAGES.items()
        ]
        return [*pages, *super().get_urls()]
