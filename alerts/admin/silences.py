"""Silences in the agents' console: alerts matching one while it is active are recorded
but open no incident and page nobody. Agents add them (someone on call silencing a noisy
check); managers change and delete them."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.admin_pickers import SafePickers
from alerts.models import Silence

DEFAULT_LENGTH = timedelta(hours=2)


class SilenceForm(forms.ModelForm):
    class Meta:
        model = Silence
        fields = ("service", "matchers", "starts_at", "ends_at", "reason")

    def clean_matchers(self) -> dict[str, str]:
        matchers = self.cleaned_data.get("matchers") or {}
        if not isinstance(matchers, dict) or not all(
            isinstance(name, str) and isinstance(value, str) and name
            for name, value in matchers.items()
        ):
            raise forms.ValidationError(
                'Give label names and the values they must have, e.g. {"env": "staging"}.'
            )
        return matchers

    def clean(self) -> dict[str, Any]:
        # Said here, beside the fields, before the database's constraints would refuse
        # the same rows with their names.
        cleaned = super().clean() or {}
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "A silence ends after it starts.")
        if "matchers" in cleaned and not cleaned.get("service") and not cleaned["matchers"]:
            self.add_error(
                None, "Choose a service, give label matchers, or both: a silence of nothing "
                "would silence everything."
            )  # fmt: skip
        return cleaned


class ActiveNowFilter(admin.SimpleListFilter):
    title = "active"
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("now", "Active now"), ("upcoming", "Upcoming"), ("over", "Over")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Silence]) -> QuerySet[Silence]:
        now = timezone.now()
        if self.value() == "now":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "over":
            return queryset.filter(Q(ends_at__lte=now))
        return queryset


@admin.register(Silence)
class SilenceAdmin(SafePickers, admin.ModelAdmin):
    form = SilenceForm
    list_display = ("reason", "service", "matchers", "starts_at", "ends_at", "active", "created_by")
    list_filter = (ActiveNowFilter, "service")
    search_fields = ("reason",)
    list_select_related = ("service", "created_by")
    autocomplete_fields = ("service",)
    readonly_fields = ("created_by", "created_at")

    @admin.display(description="active now", boolean=True)
    def active(self, obj: Silence) -> bool:
        return obj.starts_at <= timezone.now() < obj.ends_at

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        now = timezone.now().replace(second=0, microsecond=0)
        return {
            "starts_at": now,
            "ends_at": now + DEFAULT_LENGTH,
            **super().get_changeform_initial_data(request),
        }

    def save_model(self, request: HttpRequest, obj: Silence, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
