"""The clocks in the admin, read-only: the engine (``sla.clocks``) alone writes them."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from sla.models import Clock


def clock_state(clock: Clock) -> str:
    """The clock in a word or two: running, paused, met, missed, cancelled."""
    if clock.cancelled_at is not None:
        return "cancelled"
    if clock.stopped_at is not None:
        return "met" if clock.made_sla else "missed"
    return "paused" if clock.paused_since is not None else "running"


@admin.register(Clock)
class ClockAdmin(SimpleHistoryAdmin):
    list_display = (
        "incident",
        "target",
        "definition",
        "state",
        "started_at",
        "breach_at",
        "breached_at",
        "made_sla",
    )
    list_filter = ("target", "made_sla", "definition")
    list_select_related = ("incident", "definition")
    search_fields = ("incident__number",)
    ordering = ("-started_at", "-id")
    readonly_fields = [field.name for field in Clock._meta.fields]

    @admin.display(description="State")
    def state(self, obj: Clock) -> str:
        return clock_state(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Clock | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Clock | None = None) -> bool:
        return False
