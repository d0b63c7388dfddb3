"""SLA definitions in the admin, with their history: what they apply to as ticks and
pickers (never raw JSON), the targets in the unit chosen, the pause reasons as ticks."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_pickers import SafePickers
from incidents.models import HoldReason, Severity
from kernel.enums import Priority
from sla.models import SlaDefinition


class SlaDefinitionForm(forms.ModelForm):
    priorities = forms.TypedMultipleChoiceField(
        choices=Priority.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any priority.",
    )
    severities = forms.TypedMultipleChoiceField(
        choices=Severity.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any severity (and incidents without one).",
    )
    pause_hold_reasons = forms.MultipleChoiceField(
        label="Pause while on hold for",
        choices=HoldReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="On hold for another reason, the clocks keep running.",
    )

    class Meta:
        model = SlaDefinition
        fields = (
            "name",
            "order",
            "is_active",
            "priorities",
            "severities",
            "services",
            "categories",
            "calendar",
            "unit",
            "response_target",
            "resolution_target",
            "pause_hold_reasons",
        )


@admin.register(SlaDefinition)
class SlaDefinitionAdmin(SafePickers, SimpleHistoryAdmin):
    form = SlaDefinitionForm
    list_display = (
        "name",
        "order",
        "is_active",
        "applies_to",
        "calendar",
        "response",
        "resolution",
    )
    list_editable = ("order", "is_active")
    list_filter = ("is_active", "calendar")
    list_select_related = ("calendar",)
    search_fields = ("name",)
    autocomplete_fields = ("services", "categories")
    ordering = ("order", "id")
    fieldsets = (
        (None, {"fields": ("name", "order", "is_active")}),
        (
            "Applies to",
            {
                "fields": ("priorities", "severities", "services", "categories"),
                "description": "Every condition must hold; one left empty holds for any "
                "incident. Definitions are tried in ascending order and the first that "
                "applies wins.",
            },
        ),
        (
            "Targets",
            {
                "fields": ("calendar", "unit", "response_target", "resolution_target"),
                "description": "Counted in the calendar's working time. A business day is "
                "the calendar's business day (8 h unless the calendar says otherwise).",
            },
        ),
        ("Pauses", {"fields": ("pause_hold_reasons",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[SlaDefinition]:
        return super().get_queryset(request).prefetch_related("services", "categories")

    @admin.display(description="Applies to")
    def applies_to(self, obj: SlaDefinition) -> str:
        parts: list[str] = []
        if obj.priorities:
            parts.append(", ".join(f"P{value}" for value in sorted(obj.priorities)))
        if obj.severities:
            parts.append(", ".join(f"SEV{value}" for value in sorted(obj.severities)))
        parts += [str(service) for service in obj.services.all()]
        parts += [str(category) for category in obj.categories.all()]
        return "; ".join(parts) or "Any incident"

    @admin.display(description="Response")
    def response(self, obj: SlaDefinition) -> str:
        return obj.describe("response")

    @admin.display(description="Resolution")
    def resolution(self, obj: SlaDefinition) -> str:
        return obj.describe("resolution")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        initial.setdefault(
            "pause_hold_reasons", [HoldReason.AWAITING_CALLER, HoldReason.AWAITING_VENDOR]
        )
        return initial
