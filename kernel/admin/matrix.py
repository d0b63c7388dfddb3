"""The priority matrix admin: the nine cells as a grid, priorities editable in the list,
managers only (they alone hold ``change_prioritycell``). The "apply" button re-applies the
matrix to the open tickets of every type (``kernel.priority.apply_matrix``).
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from kernel.admin.pages import acting_user
from kernel.admin.ticket import priority_badge
from kernel.enums import Impact, Urgency
from kernel.models import PriorityCell
from kernel.priority import apply_matrix, open_label, recalculated_models


@admin.register(PriorityCell)
class PriorityCellAdmin(SimpleHistoryAdmin):
    list_display = ("cell", "impact", "urgency", "priority")
    list_display_links = ("cell",)
    list_editable = ("priority",)
    fields = ("impact", "urgency", "priority")
    readonly_fields = ("impact", "urgency")
    change_list_template = "admin/kernel/prioritycell/change_list.html"

    @admin.display(description="Cell")
    def cell(self, obj: PriorityCell) -> str:
        return f"impact {obj.impact} x urgency {obj.urgency}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the nine cells are seeded once; only their priority changes

    def has_delete_permission(self, request: HttpRequest, obj: PriorityCell | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            "grid": self.grid(),
            "urgencies": Urgency.choices,
            "appliers": [open_label(model) for model in recalculated_models()],
            "can_apply": self.has_change_permission(request),
            **(extra_context or {}),
        }
        response: HttpResponse = super().changelist_view(request, context)
        return response

    def grid(self) -> list[tuple[str, list[Any]]]:
        """Rows of (impact label, [badge per urgency]), as ITIL.md draws the matrix."""
        cells = {(c.impact, c.urgency): c.priority for c in PriorityCell.objects.all()}
        return [
            (
                label,
                [
                    priority_badge(cells[(impact, urgency)]) if (impact, urgency) in cells else "—"
                    for urgency in Urgency.values
                ],
            )
            for impact, label in Impact.choices
        ]

    def get_urls(self) -> list[URLPattern]:
        apply = path(
            "apply/",
            self.admin_site.admin_view(require_POST(self.apply_view)),
            name="kernel_prioritycell_apply",
        )
        return [apply, *super().get_urls()]

    def apply_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        for applied in apply_matrix(by=acting_user(request)):
            self.message_user(
                request,
                f"Matrix applied to {applied.label}: {applied.changed} changed priority.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:kernel_prioritycell_changelist"))
