"""The change calendar: a month or week of scheduled and in-flight changes (and those
awaiting authorization) with the blackout windows, optionally for one service. Two
queries whatever the number of changes."""

import calendar as cal
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from catalog.models import Service
from changes.models import BlackoutWindow, Change
from changes.queries import on_calendar

if TYPE_CHECKING:
    from changes.admin.change import ChangeAdmin


@dataclass
class Day:
    day: date
    in_period: bool
    changes: list[Change] = field(default_factory=list)
    blackouts: list[BlackoutWindow] = field(default_factory=list)


def _period(view: str, anchor: date) -> tuple[date, date]:
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=7)
    first = anchor.replace(day=1)
    last = first.replace(day=cal.monthrange(first.year, first.month)[1])
    return first - timedelta(days=first.weekday()), last + timedelta(days=7 - last.weekday())


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def build(view: str, anchor: date, service_id: int | None) -> list[list[Day]]:
    """Weeks of days, each with the changes and blackouts that touch it."""
    start, end = _period(view, anchor)
    days = [Day(start + timedelta(days=n), True) for n in range((end - start).days)]
    if view == "month":
        for day in days:
            day.in_period = day.day.month == anchor.month
    changes = list(on_calendar(_aware(start), _aware(end), service_id))
    blackouts = BlackoutWindow.objects.filter(start__lt=_aware(end), end__gt=_aware(start))
    if service_id is not None:
        blackouts = blackouts.filter(Q(service__isnull=True) | Q(service=service_id))
    windows = list(blackouts.select_related("service"))
    for day in days:
        begin, finish = _aware(day.day), _aware(day.day + timedelta(days=1))
        day.changes = [
            c
            for c in changes
            if c.planned_start
            and c.planned_end
            and c.planned_start < finish
            and c.planned_end > begin
        ]
        day.blackouts = [w for w in windows if w.start < finish and w.end > begin]
    return [days[n : n + 7] for n in range(0, len(days), 7)]


def calendar_view(model_admin: "ChangeAdmin", request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    view = "week" if request.GET.get("view") == "week" else "month"
    try:
        anchor = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    service_param = request.GET.get("service", "")
    service_id = int(service_param) if service_param.isdigit() else None
    step = timedelta(days=7) if view == "week" else timedelta(days=31)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": f"Change calendar: {anchor:%B %Y}" if view == "month" else "Change calendar",
        "opts": model_admin.opts,
        "weeks": build(view, anchor, service_id),
        "view": view,
        "anchor": anchor,
        "previous": (anchor - step).replace(day=1) if view == "month" else anchor - step,
        "next": (anchor + step).replace(day=1) if view == "month" else anchor + step,
        "services": Service.objects.filter(is_active=True).only("pk", "name"),
        "service_id": service_id,
        "change_url": reverse("admin:changes_change_changelist"),
    }
    return TemplateResponse(request, "admin/changes/calendar.html", context)
