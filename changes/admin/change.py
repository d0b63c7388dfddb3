"""The change admin on the kernel's ``TicketAdmin``: declarations first, then what is the
change's own: approvals (panel, approve/reject pages, the "awaiting my approval" queue),
conflicts shown before scheduling, and the failure rate on the list."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils.safestring import SafeString

from changes.admin.calendar import calendar_view
from changes.admin.from_template import from_template_view
from changes.approvals import change_approve, change_reject, changes_awaiting, may_decide
from changes.conflicts import conflicts_for
from changes.forms import DecisionForm
from changes.models import Change, ChangeApproval, Status
from changes.queries import failure_rate
from changes.workflow import EDITABLE_FIELDS, WORKFLOW
from kernel.admin.pages import acting_user, attach_errors
from kernel.admin.panels import Panel, PanelRow
from kernel.admin.ticket import TicketAdmin, priority_badge
from kernel.errors import MoveInvalid, WorkflowError


class ApprovalQueueFilter(admin.SimpleListFilter):
    title = "approvals"
    parameter_name = "approval"
    MINE = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.MINE, "Awaiting my approval")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Change]) -> QuerySet[Change]:
        if self.value() == self.MINE:
            mine = changes_awaiting(request.user)  # type: ignore[arg-type]
            return queryset.filter(pk__in=mine.values("pk"))
        return queryset


@admin.register(Change)
class ChangeAdmin(TicketAdmin[Change]):
    list_display = (
        "number",
        "title",
        "type",
        "status",
        "risk",
        "priority_badge",
        "planned_start",
        "planned_end",
        "assignment_group",
        "assigned_to",
    )
    list_display_links = ("number", "title")
    list_filter = (
        ApprovalQueueFilter,
        "status",
        "type",
        "risk",
        "customer_visible",
        "services",
        "assignment_group",
    )
    search_fields = ("number", "title")
    date_hierarchy = "created_at"
    list_select_related = ("assignment_group", "assigned_to")
    autocomplete_fields = ("services", "assignment_group", "assigned_to")
    readonly_fields = (
        "number",
        "status",
        "template",
        "requested_by",
        "risk",
        "priority",
        "priority_override_reason",
        "reassignment_count",
        "actual_start",
        "actual_end",
        "conflict_override_reason",
        "close_code",
        "close_notes",
        "closed_at",
    )
    fieldsets = (
        (None, {"fields": ("number", "type", "title", "description", "justification")}),
        (
            "Classification",
            {
                "fields": (
                    "services",
                    ("impact", "urgency"),
                    ("priority", "priority_override_reason"),
                )
            },
        ),
        ("Risk", {"fields": ("risk", "risk_answers")}),
        ("Plans", {"fields": ("implementation_plan", "backout_plan", "test_plan")}),
        (
            "Schedule",
            {
                "fields": (
                    ("planned_start", "planned_end"),
                    ("actual_start", "actual_end"),
                    "customer_visible",
                )
            },
        ),
        ("Assignment", {"fields": ("requested_by", "assignment_group", "assigned_to")}),
        (
            "State",
            {
                "fields": (
                    "status",
                    "template",
                    "conflict_override_reason",
                    ("close_code", "closed_at"),
                    "close_notes",
                ),
                "classes": ("collapse",),
            },
        ),
    )
    add_fieldsets = (
        (None, {"fields": ("type", "title", "description", "justification")}),
        ("Classification", {"fields": ("services", ("impact", "urgency"))}),
        ("Risk", {"fields": ("risk_answers",)}),
        ("Plans", {"fields": ("implementation_plan", "backout_plan", "test_plan")}),
        ("Schedule", {"fields": (("planned_start", "planned_end"), "customer_visible")}),
        ("Assignment", {"fields": ("assignment_group", "assigned_to")}),
    )
    change_list_template = "admin/changes/change/change_list.html"
    workflow = WORKFLOW
    override_permission = "changes.override_priority"

    @admin.display(description="Priority", ordering="priority")
    def priority_badge(self, obj: Change) -> SafeString:
        return priority_badge(obj.priority)

    def get_fieldsets(self, request: HttpRequest, obj: Change | None = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Change | None = None) -> Any:
        if obj is not None and obj.is_finished:
            return (*self.readonly_fields, *sorted(EDITABLE_FIELDS))
        if obj is not None and (obj.status != Status.NEW or obj.template_id):
            return (*self.readonly_fields, "type")
        return self.readonly_fields

    def get_form(
        self, request: HttpRequest, obj: Change | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "type" in form.base_fields:
            # Standard changes come from templates (the template list's link, the API's
            # `template`), not this form.
            field = form.base_fields["type"]
            field.choices = [c for c in field.choices if c[0] != "standard"]  # type: ignore[attr-defined]
        return form

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"failure_rate": failure_rate(), **(extra_context or {})}
        response: HttpResponse = super().changelist_view(request, context)
        return response

    def extra_tools(self, request: HttpRequest, ticket: Change) -> list[tuple[str, str]]:
        if not may_decide(ticket, acting_user(request)):
            return []
        return [
            ("Approve", self._url("decide", ticket.pk, "approve")),
            ("Reject", self._url("decide", ticket.pk, "reject")),
        ]

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "calendar/",
                wrap(lambda request: calendar_view(self, request)),
                name="changes_change_calendar",
            ),
            path(
                "from-template/<int:template_id>/",
                wrap(lambda request, template_id: from_template_view(self, request, template_id)),
                name="changes_change_from_template",
            ),
            path(
                "<path:object_id>/decide/<slug:verdict>/",
                wrap(self.decide_view),
                name="changes_change_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, object_id: str, verdict: str) -> HttpResponse:
        change = self._ticket(request, object_id)
        back = HttpResponseRedirect(self._url("change", change.pk))
        decide = {"approve": change_approve, "reject": change_reject}.get(verdict)
        if decide is None:
            return back
        form = DecisionForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                decide(change, by=acting_user(request), comment=form.cleaned_data["comment"])
            except MoveInvalid as exc:
                attach_errors(form, exc)
            except WorkflowError as exc:
                self.message_user(request, f"{change.number}: {exc.message}", messages.ERROR)
                return back
            else:
                self.message_user(request, f"{change.number}: {verdict}d.", messages.SUCCESS)
                return back
        label = verdict.capitalize()
        return self._page(
            request, change, f"{label}: {change}", form, move={"label": label, "help": ""}
        )


def approvals_panel(request: HttpRequest, change: Change) -> Panel:
    approvals: QuerySet[ChangeApproval] = change.approvals.select_related(
        "approver", "group", "decided_by"
    )
    rows = [
        PanelRow(
            approval,
            note=" · ".join(
                part
                for part in (
                    f"by {approval.decided_by}" if approval.decided_by else "",
                    approval.comment,
                )
                if part
            ),
        )
        for approval in approvals
    ]
    return Panel("Approvals", rows, empty="None requested.")


def conflicts_panel(request: HttpRequest, change: Change) -> Panel | None:
    """Shown while the change is not yet scheduled, so nobody is surprised by a refusal."""
    if change.status not in (Status.NEW, Status.ASSESS, Status.AUTHORIZE):
        return None
    rows = [PanelRow(str(conflict)) for conflict in conflicts_for(change)]
    return Panel("Scheduling conflicts", rows, empty="None: the window is free.")
