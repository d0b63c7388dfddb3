"""What managers maintain for change management: pre-approved templates and blackouts."""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_pickers import SafePickers
from changes.admin.from_template import create_change_link
from changes.models import BlackoutWindow, ChangeTemplate


@admin.register(ChangeTemplate)
class ChangeTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        # The one-click standard change, for those who may log changes.
        if request.user.has_perm("changes.add_change"):
            return (*self.list_display, create_change_link)
        return self.list_display


@admin.register(BlackoutWindow)
class BlackoutWindowAdmin(SafePickers, SimpleHistoryAdmin):
    list_display = ("name", "start", "end", "service")
    list_filter = ("service",)
    search_fields = ("name", "reason")
    list_select_related = ("service",)
    autocomplete_fields = ("service",)
    date_hierarchy = "start"
