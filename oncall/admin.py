"""On-call in the agents' console: schedules with who is on call now and the shifts
ahead, rotations with their ordered members, overrides, escalation policies, and the log
of escalations with their pages."""

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from oncall.escalation import escalation_stop
from oncall.models import (
    Escalation,
    EscalationLevel,
    EscalationPolicy,
    Override,
    Page,
    Rotation,
    RotationMember,
    Schedule,
)
from oncall.schedules import on_call, shifts
from oncall.views import feed_url


class RotationMemberInline(admin.TabularInline):
    model = RotationMember
    extra = 1
    autocomplete_fields = ("user",)


class OverrideInline(admin.TabularInline):
    model = Override
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = ("schedule", "period", "handoff_time", "starts_on")
    list_filter = ("period", "schedule__team")
    list_select_related = ("schedule__team",)
    inlines = (RotationMemberInline,)


class RotationInline(admin.TabularInline):
    model = Rotation
    extra = 0
    show_change_link = True


def _name(user_id: int, names: dict[int, str]) -> str:
    return names.get(user_id, f"user {user_id}")


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "time_zone", "on_call_now")
    list_filter = ("team",)
    search_fields = ("name", "team__name")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)
    readonly_fields = ("on_call_now", "upcoming", "calendar_feed")
    inlines = (RotationInline, OverrideInline)

    @admin.display(description="on call now")
    def on_call_now(self, obj: Schedule) -> str:
        if obj.pk is None:
            return "-"
        shift = on_call(obj, timezone.now())
        if shift is None:
            return "nobody"
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=shift.user_id)
        until = timezone.localtime(shift.ends_at, obj.tz).strftime("%a %d %b %H:%M %Z")
        return f"{user} until {until}" + (" (override)" if shift.override else "")

    @admin.display(description="next 14 days")
    def upcoming(self, obj: Schedule) -> SafeString | str:
        if obj.pk is None:
            return "-"
        from django.contrib.auth import get_user_model

        now = timezone.now()
        found = shifts(obj, now, now + timedelta(days=14))
        names = {
            u.pk: str(u) for u in get_user_model().objects.filter(pk__in={s.user_id for s in found})
        }
        fmt = "%a %d %b %H:%M %Z"
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        timezone.localtime(s.starts_at, obj.tz).strftime(fmt),
                        timezone.localtime(s.ends_at, obj.tz).strftime(fmt),
                        _name(s.user_id, names) + (" (override)" if s.override else ""),
                    )
                    for s in found
                ),
            ),
        )

    @admin.display(description="iCalendar feed")
    def calendar_feed(self, obj: Schedule) -> SafeString | str:
        if obj.pk is None:
            return "-"
        url = feed_url(obj)
        return format_html('<a href="{}">{}</a> (anyone with the link can read it)', url, url)


class EscalationLevelInline(admin.TabularInline):
    model = EscalationLevel
    extra = 1
    autocomplete_fields = ("user", "schedule")


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "page_priorities", "page_severities", "repeat", "is_active")
    list_filter = ("is_active", "team")
    search_fields = ("name",)
    autocomplete_fields = ("team", "services")
    list_select_related = ("team",)
    inlines = (EscalationLevelInline,)


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    can_delete = False
    readonly_fields = ("cycle", "level", "user", "paged_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("incident", "policy", "state", "level_shown", "next_at", "acknowledged_by")
    list_filter = ("state", "policy")
    search_fields = ("incident__number",)
    list_select_related = ("incident", "policy", "acknowledged_by")
    readonly_fields = (
        "incident",
        "policy",
        "state",
        "cycle",
        "level",
        "next_at",
        "started_at",
        "acknowledged_at",
        "acknowledged_by",
    )
    inlines = (PageInline,)
    actions = ("stop",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="level")
    def level_shown(self, obj: Escalation) -> str:
        return f"{obj.level + 1}" + (f" (round {obj.cycle + 1})" if obj.cycle else "")

    @admin.action(description="Stop paging", permissions=["change"])
    def stop(self, request: HttpRequest, queryset: QuerySet[Escalation]) -> None:
        for escalation in queryset.filter(state=Escalation.State.ACTIVE):
            escalation_stop(escalation.incident, by=request.user)  # type: ignore[arg-type]
        self.message_user(request, "Stopped.", messages.SUCCESS)
