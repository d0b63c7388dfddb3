"""Overrides on a page of their own in the console, where agents add theirs: a schedule's
page is read-only for them, since the rest of it is the managers'. Who may lay one where,
and for whom, is ``oncall.configuration``'s rule, as in the API; times are typed and shown
in the schedule's zone, as on its page."""

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.admin_pickers import SafePickers
from kernel.admin.pages import acting_user
from oncall.configuration import override_save
from oncall.forms import OverrideForm
from oncall.models import Override, Schedule


def _zone(request: HttpRequest, override: Override | None) -> ZoneInfo:
    """The zone of the schedule being posted or linked (``?schedule=``), else the
    override's, else UTC."""
    source = request.POST if request.method == "POST" else request.GET
    picked = source.get("schedule", "")
    if picked.isascii() and picked.isdigit():  # "²" is a digit to str.isdigit, not to int
        schedule = Schedule.objects.filter(pk=int(picked)).first()
        if schedule is not None:
            return schedule.tz
    return override.schedule.tz if override is not None else ZoneInfo("UTC")


class InZone:
    """A ModelAdmin mixin: the change form reads and renders its times in ``zone_for``'s
    zone instead of the server's (Django's forms read naive input in, and render in, the
    current time zone): a schedule's page and the Overrides page alike."""

    def zone_for(self, request: HttpRequest, obj: Any) -> ZoneInfo:
        raise NotImplementedError

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id)) if object_id else None  # type: ignore[attr-defined]
        with timezone.override(self.zone_for(request, obj)):
            response: HttpResponse = super().changeform_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context
            )
            if isinstance(response, TemplateResponse):
                response.render()  # while the zone holds
        return response


class OverrideAdmin(InZone, SafePickers, admin.ModelAdmin):
    form = OverrideForm
    fields = ("schedule", "user", "starts_at", "ends_at", "reason")
    list_display = ("schedule", "user", "starts_at", "ends_at", "reason")
    list_filter = ("schedule__team",)
    list_select_related = ("schedule__team", "user")
    autocomplete_fields = ("schedule", "user")
    search_fields = ("schedule__name", "schedule__team__name", "reason")
    date_hierarchy = "starts_at"

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        by = acting_user(request)

        class ByForm(form):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, by=by, **kwargs)

        zone = _zone(request, obj)
        for name in ("starts_at", "ends_at"):
            field = ByForm.base_fields.get(name)
            if field is not None:  # a fresh class each call: its fields are its own
                field.help_text = f"In the schedule's time zone ({zone.key})."
        return ByForm

    def zone_for(self, request: HttpRequest, obj: Any) -> ZoneInfo:
        # Typed and shown in the schedule's zone, not the server's (as on its page).
        return _zone(request, obj)

    def save_model(self, request: HttpRequest, obj: Override, form: Any, change: bool) -> None:
        override_save(obj, by=acting_user(request))
