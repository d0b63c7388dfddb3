from django.contrib import admin

from ceiling.models import Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """The stock admin, as a new project would write it."""

    list_display = ("number", "title", "status", "priority", "created_at")
    list_filter = ("status", "priority")
    search_fields = ("number",)
