"""Calendars in the admin: the weekday periods and holidays inline, and two pages of the
calendar's own to import holidays from an iCalendar file or generate them by country."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from simple_history.admin import SimpleHistoryAdmin

from kernel.admin.fields import TimeZoneField
from kernel.admin.pages import acting_user
from sla.admin.holiday_forms import GenerateForm, IcalImportForm
from sla.holidays import HolidayResult, UnknownRegion, holidays_generate, holidays_import_ical
from sla.models import Calendar, Holiday, WorkingPeriod
from sla.models.calendars import overlaps
from sla.recalculation import clocks_recalculate


class PeriodFormSet(BaseInlineFormSet):
    """Periods of one weekday may touch but not overlap. Checked over the whole formset,
    since two rows edited together (swapped, say) are only consistent together."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        clashes = overlaps(
            (data["weekday"], data["start"], data["end"])
            for data in kept
            if {"weekday", "start", "end"} <= data.keys()
        )
        if clashes:
            raise forms.ValidationError(clashes)


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    formset = PeriodFormSet
    extra = 1
    fields = ("weekday", "start", "end")


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1
    fields = ("date", "name", "source")
    readonly_fields = ("source",)


class CalendarForm(forms.ModelForm):
    time_zone = TimeZoneField(
        initial="UTC", help_text=Calendar._meta.get_field("time_zone").help_text
    )

    class Meta:
        model = Calendar
        fields = ("name", "time_zone", "always_on", "business_day")


@admin.register(Calendar)
class CalendarAdmin(SimpleHistoryAdmin):
    list_display = ("name", "time_zone", "always_on", "business_day")
    list_filter = ("always_on",)
    search_fields = ("name",)
    fields = ("name", "time_zone", "always_on", "business_day")
    form = CalendarForm
    inlines = (WorkingPeriodInline, HolidayInline)
    change_form_template = "admin/sla/calendar/change_form.html"

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        # After the inlines, so the periods and holidays just saved count; still inside the
        # admin's transaction, so the clocks move with the calendar or not at all.
        super().save_related(request, form, formsets, change)
        if change:
            clocks_recalculate(form.instance, by=acting_user(request))

    def get_urls(self) -> list[URLPattern]:
        def page(route: str, view: Callable[..., HttpResponse], name: str) -> URLPattern:
            return path(route, self.admin_site.admin_view(view), name=name)

        return [
            page(
                "<path:object_id>/import-holidays/",
                self.import_holidays_view,
                "sla_calendar_import_holidays",
            ),
            page(
                "<path:object_id>/generate-holidays/",
                self.generate_holidays_view,
                "sla_calendar_generate_holidays",
            ),
            *super().get_urls(),
        ]

    def _calendar(self, request: HttpRequest, object_id: str) -> Calendar:
        calendar = self.get_object(request, unquote(object_id))
        if calendar is None:
            raise Http404(f"No calendar with id {object_id!r}.")
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        return calendar

    def import_holidays_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        calendar = self._calendar(request, object_id)
        form = IcalImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                result = holidays_import_ical(
                    calendar, data, years=form.years, by=acting_user(request)
                )
            except ValueError as error:
                form.add_error("file", str(error))
            else:
                return self._done(request, calendar, result, "Imported from an iCalendar file")
        return self._page(request, calendar, form, "Import holidays from an iCalendar file")

    def generate_holidays_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        calendar = self._calendar(request, object_id)
        form = GenerateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = holidays_generate(
                    calendar,
                    country=form.cleaned_data["country"],
                    subdivision=form.cleaned_data["subdivision"],
                    years=form.years,
                    by=acting_user(request),
                )
            except UnknownRegion as error:
                form.add_error(error.field, str(error))
            else:
                return self._done(request, calendar, result, "Generated holidays")
        return self._page(request, calendar, form, "Generate holidays")

    def _page(
        self, request: HttpRequest, calendar: Calendar, form: forms.Form, title: str
    ) -> HttpResponse:
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": calendar,
            "title": title,
            "form": form,
        }
        status = 400 if form.is_bound and form.errors else 200
        return TemplateResponse(
            request, "admin/sla/calendar/holidays_form.html", context, status=status
        )

    def _done(
        self, request: HttpRequest, calendar: Calendar, result: HolidayResult, what: str
    ) -> HttpResponse:
        self.log_change(request, calendar, f"{what}: {result}.")
        self.message_user(request, f"{calendar}: {result}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:sla_calendar_change", args=[calendar.pk]))
