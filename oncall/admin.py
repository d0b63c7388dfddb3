"""On-call in the agents' console: schedules with who is on call now and the shifts
ahead, rotations with their ordered members, overrides (also on a page of their own, where
agents add theirs: ``oncall.override_admin``), escalation policies, and the log of
escalations with their pages."""

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from accounts.admin_pickers import SafePickers
from kernel.admin.fields import KnownLabelsFormSet
from kernel.admin.pages import acting_user
from kernel.zones import known_time_zones
from oncall.configuration import override_save
from oncall.escalation import escalation_stop
from oncall.forms import (
    EscalationLevelForm,
    EscalationPolicyForm,
    OverrideForm,
    RotationForm,
    ScheduleForm,
)
from oncall.models import (
    Escalation,
    EscalationLevel,
    EscalationPolicy,
    Override,
    Page,
    Rotation,
    Schedule,
)
from oncall.override_admin import InZone, OverrideAdmin
from oncall.schedules import on_call_each, shifts
from oncall.views import feed_url

admin.site.register(Override, OverrideAdmin)


def _zone_of(request: HttpRequest, schedule: Schedule | None) -> ZoneInfo:
    """The zone a schedule's page reads and shows times in: the one being saved (a new
    schedule's, or a changed one's), else the schedule's, else UTC."""
    posted = request.POST.get("time_zone", "") if request.method == "POST" else ""
    name = posted if posted in known_time_zones() else getattr(schedule, "time_zone", "UTC")
    return ZoneInfo(name if name in known_time_zones() else "UTC")


class KnownPickers(SafePickers):
    """Inline rows fetched with their foreign keys, whose pickers name them without a query
    per row (``kernel.admin.fields.KnownLabelsFormSet``)."""

    formset: Any = KnownLabelsFormSet
    related: Any = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related(*self.related)  # type: ignore[misc]


class OverrideInline(KnownPickers, admin.TabularInline):
    model = Override
    form = OverrideForm
    extra = 1
    autocomplete_fields = ("user",)
    related = ("user",)
    fields = ("user", "starts_at", "ends_at", "reason")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        zone = _zone_of(request, obj)
        for name in ("starts_at", "ends_at"):
            field = formset.form.base_fields.get(name)
            if field is not None:
                field.help_text = f"In the schedule's time zone ({zone.key})."
        return formset


class MembersShown:
    """How a rotation's members read where they cannot be changed (agents view them): the
    admin takes a ModelAdmin method of the field's name before the model's manager."""

    @admin.display(description="members (in turn order)")
    def members(self, obj: Rotation) -> str:
        return ", ".join(str(member.user) for member in obj.members.all()) or "nobody yet"


@admin.register(Rotation)
class RotationAdmin(SafePickers, MembersShown, admin.ModelAdmin):
    form = RotationForm
    fields = ("schedule", "period", "handoff_time", "starts_on", "members")
    list_display = ("schedule", "period", "handoff_time", "starts_on")
    list_filter = ("period", "schedule__team")
    list_select_related = ("schedule__team",)
    autocomplete_fields = ("schedule",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rotation]:
        return super().get_queryset(request).prefetch_related("members__user")


class RotationInline(MembersShown, admin.TabularInline):
    """Rotations on their schedule's page, with an empty row for a new one and its
    members picked in turn order."""

    model = Rotation
    form = RotationForm
    extra = 1
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rotation]:
        return super().get_queryset(request).prefetch_related("members__user")


def _on_call_now(schedules: list[Schedule]) -> dict[int, str]:
    """Who is on call now on each schedule, and until when in its zone: four queries for
    any number of schedules."""
    shifts_now = on_call_each(schedules, timezone.now())
    people = get_user_model().objects.in_bulk({s.user_id for s in shifts_now.values() if s})
    shown: dict[int, str] = {}
    for schedule in schedules:
        shift = shifts_now[schedule.pk]
        if shift is None:
            shown[schedule.pk] = "nobody"
            continue
        until = timezone.localtime(shift.ends_at, schedule.tz).strftime("%a %d %b %H:%M %Z")
        who = people.get(shift.user_id, f"user {shift.user_id}")
        shown[schedule.pk] = f"{who} until {until}" + (" (override)" if shift.override else "")
    return shown


class OnCallNowList(ChangeList):
    """The schedules' list, with who is on call on the page's rows found at once."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        rows = list(self.result_list)
        shown = _on_call_now(rows)
        for schedule in rows:
            schedule.on_call_now_shown = shown[schedule.pk]


def _name(user_id: int, names: dict[int, str]) -> str:
    return names.get(user_id, f"user {user_id}")


@admin.register(Schedule)
class ScheduleAdmin(InZone, SafePickers, admin.ModelAdmin):
    list_display = ("name", "team", "time_zone", "on_call_now")
    list_filter = ("team",)
    search_fields = ("name", "team__name")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)
    readonly_fields = ("on_call_now", "upcoming", "calendar_feed")
    form = ScheduleForm
    inlines = (RotationInline, OverrideInline)
    actions = ("rotate_calendar_link",)

    def zone_for(self, request: HttpRequest, obj: Any) -> ZoneInfo:
        # Overrides are typed and shown in the schedule's zone, not the server's.
        return _zone_of(request, obj)

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, OverrideInline):
            kwargs["form_kwargs"] = {"by": acting_user(request)}
        return kwargs

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Override:
            super().save_formset(request, form, formset, change)
            return
        # Through the one function that lays overrides, as the API does.
        for override in formset.save(commit=False):
            override_save(override, by=acting_user(request))
        for gone in formset.deleted_objects:
            gone.delete()

    def get_readonly_fields(self, request: HttpRequest, obj: Schedule | None = None) -> Any:
        # The feed link shows who is on call to anyone who holds it: only those who may
        # change the schedule (and so rotate the link) see it.
        fields = tuple(super().get_readonly_fields(request, obj))
        if self.has_change_permission(request, obj):
            return fields
        return tuple(name for name in fields if name != "calendar_feed")

    def get_urls(self) -> list[URLPattern]:
        rotate = path(
            "<path:object_id>/rotate-calendar-link/",
            self.admin_site.admin_view(require_POST(self.rotate_calendar_link_view)),
            name="oncall_schedule_rotate_calendar_link",
        )
        return [rotate, *super().get_urls()]

    def rotate_calendar_link_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        schedule = self.get_object(request, unquote(object_id))
        if schedule is None:
            raise Http404(f"No schedule with id {object_id!r}.")
        if not self.has_change_permission(request, schedule):
            raise PermissionDenied
        self._rotate(request, schedule)
        return HttpResponseRedirect(reverse("admin:oncall_schedule_change", args=[schedule.pk]))

    @admin.action(description="Rotate calendar link", permissions=["change"])
    def rotate_calendar_link(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        for schedule in queryset:
            self._rotate(request, schedule)

    def _rotate(self, request: HttpRequest, schedule: Schedule) -> None:
        schedule.rotate_feed_token()
        # The history row names who rotated, never the secret itself.
        self.log_change(request, schedule, "Rotated the calendar link.")
        url = request.build_absolute_uri(feed_url(schedule))
        self.message_user(
            request,
            f"New calendar link for {schedule}: {url} (the old link no longer works).",
            messages.SUCCESS,
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return OnCallNowList

    @admin.display(description="on call now")
    def on_call_now(self, obj: Schedule) -> str:
        if obj.pk is None:
            return "-"
        found = getattr(obj, "on_call_now_shown", None)
        if found is None:
            found = _on_call_now([obj])[obj.pk]
        return found

    @admin.display(description="next 14 days")
    def upcoming(self, obj: Schedule) -> SafeString | str:
        if obj.pk is None:
            return "-"
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
        return format_html(
            '<a href="{}">{}</a> (anyone with the link can read it; '
            "<em>Rotate calendar link</em> above makes a new one and kills this one)",
            url,
            url,
        )


class EscalationLevelInline(KnownPickers, admin.TabularInline):
    """The ladder as rows, in order: a target picked (a schedule, a person or the
    group's manager) and a wait in minutes."""

    model = EscalationLevel
    form = EscalationLevelForm
    extra = 1
    autocomplete_fields = ("user", "schedule")
    related = ("user", "schedule__team")
    verbose_name = "level"
    verbose_name_plural = "levels (paged in this order)"


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(SafePickers, admin.ModelAdmin):
    form = EscalationPolicyForm
    list_display = ("name", "team", "pages_for_shown", "repeat", "is_active")
    list_filter = ("is_active", "team")
    search_fields = ("name",)
    autocomplete_fields = ("team", "services")
    list_select_related = ("team",)
    inlines = (EscalationLevelInline,)

    @admin.display(description="pages for")
    def pages_for_shown(self, obj: EscalationPolicy) -> str:
        words = [f"P{p}" for p in sorted(obj.page_priorities)]
        words += [f"SEV{s}" for s in sorted(obj.page_severities)]
        return ", ".join(words) or "nothing"

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is EscalationLevel:
            # The rows' order is the ladder's: level 1 is the first row left standing.
            deleted = formset.deleted_forms
            kept = [f.instance for f in formset.forms if f.instance.pk and f not in deleted]
            for position, level in enumerate(kept):
                if level.position != position:
                    level.position = position
                    level.save(update_fields=["position"])


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
