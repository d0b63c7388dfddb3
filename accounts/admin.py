from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_pickers import SafePickers
from accounts.models import ApiToken, ReportingGrant, User
from accounts.token_admin import ApiTokenAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Contact", {"fields": ("phone",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


@admin.register(ReportingGrant)
class ReportingGrantAdmin(SafePickers, SimpleHistoryAdmin):
    """Managers let one end user report for (and follow the incidents of) another."""

    list_display = ("reporter", "on_behalf_of", "granted_by", "created_at")
    list_select_related = ("reporter", "on_behalf_of", "granted_by")
    search_fields = ("reporter__username", "on_behalf_of__username")
    autocomplete_fields = ("reporter", "on_behalf_of")
    readonly_fields = ("granted_by", "created_at")

    def save_model(
        self, request: HttpRequest, obj: ReportingGrant, form: ModelForm, change: bool
    ) -> None:
        if not change:
            obj.granted_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


admin.site.register(ApiToken, ApiTokenAdmin)
