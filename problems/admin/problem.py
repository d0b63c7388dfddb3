"""The problem admin on the kernel's ``TicketAdmin``: declarations first, then the views
that are a problem's own (resolve its incidents, link one, the recurring report)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from incidents.models import OPEN_STATES as INCIDENT_OPEN_STATES
from incidents.models import Incident
from kernel.admin.pages import acting_user
from kernel.admin.ticket import TicketAdmin, priority_badge
from kernel.errors import WorkflowError
from problems.models import Problem
from problems.queries import recurring_candidates
from problems.workflow import (
    EDITABLE_FIELDS,
    WORKFLOW,
    problem_link_incident,
    problem_resolve_incidents,
)

_STATE = (
    ("status", "resolution_code"),
    ("known_error", "known_error_at"),
    "workaround",
    ("close_notes", "duplicate_of"),
    ("resolved_at", "closed_at"),
)


class RecurringForm(forms.Form):
    minimum = forms.IntegerField(min_value=2, initial=3, label="At least N incidents")
    days = forms.IntegerField(min_value=1, max_value=365, initial=30, label="in the last D days")


@admin.register(Problem)
class ProblemAdmin(TicketAdmin[Problem]):
    list_display = (
        "number",
        "title",
        "priority_badge",
        "status",
        "known_error",
        "incident_count",
        "service",
        "assignment_group",
        "assigned_to",
    )
    list_display_links = ("number", "title")
    list_filter = ("status", "known_error", "priority", "service", "assignment_group")
    search_fields = ("number", "title")
    date_hierarchy = "created_at"
    list_select_related = ("service", "assignment_group", "assigned_to")
    autocomplete_fields = ("service", "category", "subcategory", "assignment_group", "assigned_to")
    readonly_fields = (
        "number",
        "priority",
        "priority_override_reason",
        "reassignment_count",
        "status",
        "resolution_code",
        "known_error",
        "known_error_at",
        "workaround",
        "close_notes",
        "duplicate_of",
        "resolved_at",
        "closed_at",
    )
    fieldsets = (
        (None, {"fields": ("number", "title", "description")}),
        (
            "Classification",
            {
                "fields": (
                    "service",
                    ("category", "subcategory"),
                    ("impact", "urgency"),
                    ("priority", "priority_override_reason"),
                )
            },
        ),
        ("Assignment", {"fields": ("assignment_group", "assigned_to", "reassignment_count")}),
        ("Analysis", {"fields": ("root_cause", "fix_notes")}),
        ("State", {"fields": _STATE, "classes": ("collapse",)}),
    )
    add_fieldsets = (
        (None, {"fields": ("title", "description")}),
        (
            "Classification",
            {"fields": ("service", ("category", "subcategory"), ("impact", "urgency"))},
        ),
        ("Assignment", {"fields": ("assignment_group", "assigned_to")}),
    )
    change_list_template = "admin/problems/problem/change_list.html"
    workflow = WORKFLOW
    override_permission = "problems.override_priority"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Problem]:
        # One GROUP BY in the list query rather than a count per row.
        return super().get_queryset(request).annotate(incident_total=Count("incident_links"))

    @admin.display(description="Priority", ordering="priority")
    def priority_badge(self, obj: Problem) -> SafeString:
        return priority_badge(obj.priority)

    @admin.display(description="Incidents", ordering="incident_total")
    def incident_count(self, obj: Problem) -> int:
        return getattr(obj, "incident_total", 0)

    def get_fieldsets(self, request: HttpRequest, obj: Problem | None = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Problem | None = None) -> Any:
        if obj is not None and obj.is_finished:
            return (*self.readonly_fields, *sorted(EDITABLE_FIELDS))
        return self.readonly_fields

    def can_override_priority(self, request: HttpRequest, ticket: Problem) -> bool:
        return ticket.is_open and super().can_override_priority(request, ticket)

    def extra_tools(self, request: HttpRequest, ticket: Problem) -> list[tuple[str, str]]:
        if ticket.known_error or ticket.fix_notes:
            return [("Resolve open incidents", self._url("resolve_incidents", ticket.pk))]
        return []

    # --- views of its own --------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("recurring/", wrap(self.recurring_view), name="problems_problem_recurring"),
            path(
                "<path:object_id>/resolve-incidents/",
                wrap(self.resolve_incidents_view),
                name="problems_problem_resolve_incidents",
            ),
            path(
                "<path:object_id>/link-incident/<int:incident_id>/",
                wrap(require_POST(self.link_incident_view)),
                name="problems_problem_link_incident",
            ),
            *super().get_urls(),
        ]

    def resolve_incidents_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        problem = self._ticket(request, object_id)
        if not self.has_change_permission(request, problem):
            raise PermissionDenied
        if request.method != "POST":
            open_count = problem.incidents.filter(status__in=INCIDENT_OPEN_STATES).count()
            return self._page(
                request,
                problem,
                f"Resolve the open incidents of {problem.number}",
                forms.Form(),
                move={
                    "label": f"Resolve {open_count} open incident(s)",
                    "help": "Each is resolved through the incident workflow with this "
                    "problem's fix, or its workaround while there is no fix.",
                },
            )
        try:
            resolved = problem_resolve_incidents(problem, by=acting_user(request))
        except WorkflowError as exc:
            self.message_user(request, f"{problem.number}: {exc.message}", messages.ERROR)
        else:
            self.message_user(request, f"{problem.number}: resolved {len(resolved)} incident(s).")
        return HttpResponseRedirect(self._url("change", problem.pk))

    def link_incident_view(
        self, request: HttpRequest, object_id: str, incident_id: int
    ) -> HttpResponse:
        problem = self._ticket(request, object_id)
        incident = get_object_or_404(Incident, pk=incident_id)
        try:
            problem_link_incident(problem, incident, by=acting_user(request))
        except WorkflowError as exc:
            self.message_user(request, f"{incident.number}: {exc.message}", messages.ERROR)
        else:
            self.message_user(request, f"{incident.number} linked to {problem.number}.")
        return HttpResponseRedirect(reverse("admin:incidents_incident_change", args=[incident.pk]))

    def recurring_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = RecurringForm(request.GET or None)
        minimum, days = 3, 30
        if form.is_valid():
            minimum, days = form.cleaned_data["minimum"], form.cleaned_data["days"]
        context = {
            **self.admin_site.each_context(request),
            "title": "Recurring incidents without a problem",
            "opts": self.opts,
            "form": form if form.is_bound else RecurringForm(),
            "rows": recurring_candidates(minimum=minimum, days=days),
            "minimum": minimum,
            "days": days,
            "incidents_url": reverse("admin:incidents_incident_changelist"),
        }
        return TemplateResponse(request, "admin/problems/recurring.html", context)
