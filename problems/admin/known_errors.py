"""The known-error database: a read-only, searchable list of open known errors, each
linking to its problem."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from problems.models import KnownError
from problems.queries import known_errors


@admin.register(KnownError)
class KnownErrorAdmin(admin.ModelAdmin):
    list_display = ("problem", "workaround_excerpt", "service", "category", "known_error_at")
    list_display_links = None
    list_filter = ("service", "category")
    search_fields = ("number", "title", "workaround", "root_cause")
    list_select_related = ("service", "category")
    ordering = ("-known_error_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[KnownError]:
        return known_errors().select_related("service", "category")  # type: ignore[return-value]

    @admin.display(description="Problem", ordering="number")
    def problem(self, obj: KnownError) -> SafeString:
        url = reverse("admin:problems_problem_change", args=[obj.pk])
        return format_html('<a href="{}">{} {}</a>', url, obj.number, obj.title)

    @admin.display(description="Workaround")
    def workaround_excerpt(self, obj: KnownError) -> str:
        return Truncator(obj.workaround).chars(160)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: KnownError | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: KnownError | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: KnownError | None = None) -> bool:
        return request.user.has_perm("problems.view_problem")
