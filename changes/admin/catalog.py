"""What managers maintain for change management: pre-approved templates and blackouts."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from changes.models import BlackoutWindow, ChangeTemplate


@admin.register(ChangeTemplate)
class ChangeTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")


@admin.register(BlackoutWindow)
class BlackoutWindowAdmin(SimpleHistoryAdmin):
    list_display = ("name", "start", "end", "service")
    list_filter = ("service",)
    search_fields = ("name", "reason")
    list_select_related = ("service",)
    autocomplete_fields = ("service",)
    date_hierarchy = "start"
