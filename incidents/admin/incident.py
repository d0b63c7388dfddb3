"""The incident admin: the agents' console. Declarations first; the hooks below only
adapt the list and form; writes go to ``incidents.workflow`` through ``WORKFLOW``."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from incidents.admin import actions as bulk
from incidents.admin.filters import AssigneeFilter, OpenFilter, QueueFilter
from incidents.attachments import attachment_response
from incidents.export import export_filename, export_rows
from incidents.models import Incident, IncidentAttachment
from incidents.workflow import EDITABLE_FIELDS, WORKFLOW
from kernel.admin.panels import Fact
from kernel.admin.ticket import TicketAdmin, priority_badge

_STATE = (
    ("status", "hold_reason", "reopen_count"),
    ("resolution_code", "resolution_notes"),
    ("close_code", "close_notes"),
)
# All read-only here: a person corrects a milestone with a reason (the major-incident
# panel's milestone form, ``incidents.milestones``); the detected time is set when logging.
_MILESTONES = (
    ("impact_started_at", "detected_at", "reported_at"),
    ("acknowledged_at", "mitigated_at"),
    ("resolved_at", "closed_at"),
)
COLLAPSED = ("collapse",)


@admin.register(Incident)
class IncidentAdmin(TicketAdmin[Incident]):
    list_display = (
        "number",
        "title",
        "priority_badge",
        "status",
        "service",
        "assignment_group",
        "assigned_to",
        "age",
    )
    list_display_links = ("number", "title")
    list_filter = (
        QueueFilter,
        OpenFilter,
        "status",
        "priority",
        "severity",
        # All services and teams, not only those in use: finding "those in use" is a
        # DISTINCT over every incident.
        "service",
        "assignment_group",
        AssigneeFilter,
    )
    search_fields = ("number", "title", "caller__username", "caller__email")
    date_hierarchy = "reported_at"
    list_select_related = ("service", "assignment_group", "assigned_to")
    autocomplete_fields = (
        "caller",
        "service",
        "category",
        "subcategory",
        "location",
        "configuration_item",
        "assignment_group",
        "assigned_to",
    )
    readonly_fields = (
        "number",
        "priority",
        "priority_override_reason",
        "reassignment_count",
        "major_since",
        "major_incident",
        *(name for row in (*_STATE, *_MILESTONES) for name in row),
    )
    fieldsets = (
        (None, {"fields": ("number", "title", "description", "caller", "contact", "source")}),
        (
            "Classification",
            {
                "fields": (
                    "service",
                    ("category", "subcategory"),
                    ("location", "configuration_item"),
                    ("impact", "urgency"),
                    ("priority", "priority_override_reason"),
                    "severity",
                )
            },
        ),
        ("Assignment", {"fields": ("assignment_group", "assigned_to", "reassignment_count")}),
        # Rarely edited, and the header says the state and the major incident: folded.
        (
            "Major incident",
            {"fields": (("major_since", "major_incident"), "war_room_url"), "classes": COLLAPSED},
        ),
        ("State", {"fields": _STATE, "classes": COLLAPSED}),
        ("Milestones", {"fields": _MILESTONES, "classes": COLLAPSED}),
    )
    add_fieldsets = (
        (None, {"fields": ("title", "description", "caller", "contact", "source")}),
        (
            "Classification",
            {
                "fields": (
                    "service",
                    ("category", "subcategory"),
                    ("location", "configuration_item"),
                    ("impact", "urgency"),
                    "severity",
                )
            },
        ),
        ("Assignment", {"fields": ("assignment_group", "assigned_to")}),
        ("Milestones", {"fields": ("detected_at",)}),
    )
    actions = (
        bulk.assign_to_me,
        bulk.assign_to_group,
        bulk.resolve_selected,
        bulk.cancel_selected,
    )
    change_list_template = "admin/incidents/incident/change_list.html"
    workflow = WORKFLOW
    override_permission = "incidents.override_priority"

    @admin.display(description="Priority", ordering="priority")
    def priority_badge(self, obj: Incident) -> SafeString:
        return priority_badge(obj.priority)

    @admin.display(description="Age", ordering="reported_at")
    def age(self, obj: Incident) -> str:
        return timesince(obj.reported_at, depth=1)

    def own_facts(self, request: HttpRequest, ticket: Incident) -> list[Fact]:
        facts = [Fact("Severity", f"SEV{ticket.severity}" if ticket.severity else "not set")]
        if ticket.is_major:
            badge = format_html('<span class="major-badge">{}</span>', "Major incident")
            roles = [
                f"{role.get_role_display()}: {role.user.get_full_name() or role.user.username}"
                for role in ticket.roles.select_related("user")
            ]
            facts.append(Fact(badge, "; ".join(roles) or "no roles yet"))
        return facts

    def get_fieldsets(self, request: HttpRequest, obj: Incident | None = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Incident | None = None) -> Any:
        if obj is not None and obj.is_finished:
            # The workflow refuses edits to finished incidents; do not offer them.
            return (*self.readonly_fields, *sorted(EDITABLE_FIELDS))
        return self.readonly_fields

    def get_urls(self) -> list[URLPattern]:
        download = path(
            "<path:object_id>/attachments/<int:attachment_id>/",
            self.admin_site.admin_view(self.attachment_view),
            name="incidents_incident_attachment",
        )
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_view),
            name="incidents_incident_export",
        )
        return [download, export, *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """The changelist's "Export CSV": every incident of the current filters, search and
        order (not only the page shown), in ``incidents.export``'s columns."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            # The changelist's own reading of the query string: the export cannot disagree
            # with the list the agent is looking at.
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:incidents_incident_changelist") + "?e=1")
        answer = StreamingHttpResponse(
            export_rows(changelist.queryset), content_type="text/csv; charset=utf-8"
        )
        answer["Content-Disposition"] = f'attachment; filename="{export_filename(timezone.now())}"'
        return answer

    def attachment_view(
        self, request: HttpRequest, object_id: str, attachment_id: int
    ) -> FileResponse:
        """Download one file; ``_ticket`` answers 404/403 as the change form would."""
        incident = self._ticket(request, object_id)
        attachment = get_object_or_404(IncidentAttachment, pk=attachment_id, incident=incident)
        return attachment_response(attachment)

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("incidents.cancel_incident")

    def can_override_priority(self, request: HttpRequest, ticket: Incident) -> bool:
        return ticket.is_open and super().can_override_priority(request, ticket)
