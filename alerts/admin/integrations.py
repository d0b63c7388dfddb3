"""Integrations in the agents' console. The secret is generated, never typed, and shown
once: on the page that answers the save that created it or the rotation that replaced
it. Every other page shows its first characters. The change page shows the endpoint's
URL and what to paste into the sender; routing rules are edited inline."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_pickers import SafePickers
from alerts.integrations import endpoint_url, integration_rotate_secret, sender_setup
from alerts.models import GroupBy, Integration, RoutingRule
from kernel.admin.pages import acting_user
from kernel.admin.secrets import SecretShownOnceAdmin


class IntegrationForm(forms.ModelForm):
    class Meta:
        model = Integration
        fields = (
            "name",
            "kind",
            "service",
            "enabled",
            "group_by",
            "group_labels",
            "resolve_incidents",
            "flap_changes",
            "flap_minutes",
            "auth",
            "signature_header",
        )

    def clean_group_labels(self) -> list[str]:
        labels = self.cleaned_data.get("group_labels") or []
        if not isinstance(labels, list) or not all(
            isinstance(name, str) and name.strip() for name in labels
        ):
            raise forms.ValidationError(
                'Give a list of label names, e.g. ["alertname", "service"].'
            )
        return labels

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("group_by") == GroupBy.LABELS and not cleaned.get("group_labels"):
            self.add_error("group_labels", "Name the labels whose alerts share an incident.")
        return cleaned


class RoutingRuleInline(SafePickers, admin.TabularInline):
    model = RoutingRule
    fields = ("position", "label", "value", "service", "impact", "urgency", "severity")
    autocomplete_fields = ("service",)
    extra = 0
    ordering = ("position", "id")


@admin.register(Integration)
class IntegrationAdmin(SafePickers, SecretShownOnceAdmin, SimpleHistoryAdmin):
    secret_noun = "secret"
    rotate_consequence = (
        "the monitoring tool's posts are refused (401) until it is given the new one, and a "
        "sender such as Alertmanager keeps retrying them meanwhile."
    )
    secret_template = "admin/alerts/integration/secret.html"

    form = IntegrationForm
    list_display = ("name", "kind", "service", "group_by", "enabled", "auth", "secret_shown")
    list_filter = ("kind", "enabled", "auth")
    search_fields = ("name", "key")
    list_select_related = ("service",)
    autocomplete_fields = ("service",)
    inlines = (RoutingRuleInline,)
    readonly_fields = ("endpoint", "secret_shown", "setup", "created_at")
    fieldsets = (
        (None, {"fields": ("name", "kind", "service", "enabled")}),
        (
            "Grouping and resolving",
            {"fields": ("group_by", "group_labels", "resolve_incidents")},
        ),
        ("Flapping", {"fields": ("flap_changes", "flap_minutes")}),
        ("Credentials", {"fields": ("auth", "signature_header", "secret_shown")}),
        ("Sending alerts here", {"fields": ("endpoint", "setup", "created_at")}),
    )

    @admin.display(description="secret")
    def secret_shown(self, obj: Integration) -> str:
        if obj._state.adding:
            # The add form's instance holds a default secret: shown once after the save.
            return "Generated when you save, and shown once on the next page."
        return obj.secret_hint()

    @admin.display(description="endpoint URL")
    def endpoint(self, obj: Integration) -> str:
        if obj._state.adding:
            return "Made when you save: its key is unguessable."
        return endpoint_url(obj)

    @admin.display(description="sender configuration")
    def setup(self, obj: Integration) -> SafeString | str:
        if obj._state.adding:
            return "Shown once the integration is saved."
        return format_html("<pre>{}</pre>", sender_setup(obj))

    def rotate(self, obj: Integration, request: HttpRequest) -> None:
        integration_rotate_secret(obj, by=acting_user(request))

    def secret_context(self, obj: Integration) -> dict[str, Any]:
        return {"endpoint": endpoint_url(obj), "setup": sender_setup(obj, obj.secret)}
