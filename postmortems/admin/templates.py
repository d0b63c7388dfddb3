"""The review templates managers keep: which sections a review asks for, with prompts."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from postmortems.models import SECTIONS, PostmortemTemplate


@admin.register(PostmortemTemplate)
class PostmortemTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_default", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    fieldsets = (
        (None, {"fields": ("name", "description", ("is_default", "is_active"))}),
        (
            "Sections: a prompt asks for the section, a blank one leaves it out",
            {"fields": tuple(key for key, _ in SECTIONS)},
        ),
    )
