"""The incident list's "Time left" column and "SLA" filter, which ``sla.wiring`` plugs into
the incident changelist (``kernel.admin.lists``).

The column reads three annotations of the list's one query (the next deadline among the
incident's running clocks, its earliest 75 % instant, whether a clock is paused) and the
incident's ``made_sla``: no query per row, whatever the number of incidents or clocks. It
sorts by the next deadline (incidents with nothing running last). The filter's choices
are ``EXISTS`` subqueries on the clocks' partial indexes."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kernel.admin.panels import Fact
from sla.models import Clock

NEXT_DEADLINE = "sla_breach_at"
FIRST_WARNING = "sla_warn_at"
PAUSED = "sla_paused"


def soon() -> timedelta:
    return timedelta(minutes=settings.SLA_SOON_MINUTES)


def annotate_time_left(incidents: QuerySet[Any]) -> QuerySet[Any]:
    """What the column shows and sorts by, as columns of the list's query."""
    running = Clock.objects.running().filter(incident=OuterRef("pk"))
    paused = Clock.objects.paused().filter(incident=OuterRef("pk"), stopped_at__isnull=True)
    return incidents.annotate(
        **{
            NEXT_DEADLINE: Subquery(running.order_by("breach_at").values("breach_at")[:1]),
            FIRST_WARNING: Subquery(running.order_by("warn_at").values("warn_at")[:1]),
            PAUSED: Exists(paused),
        }
    )


def in_words(span: timedelta) -> str:
    """A duration as an agent reads it at a glance: "2 d 4 h", "3 h 05 min", "12 min"."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else "< 1 min"


def time_left_state(incident: Any, now: datetime) -> tuple[str, str]:
    """(css state, words) of the column for one annotated incident."""
    deadline: datetime | None = getattr(incident, NEXT_DEADLINE, None)
    if deadline is not None:
        left = deadline - now
        if left <= timedelta(0):
            return "breached", f"{in_words(-left)} over"
        warn_at: datetime | None = getattr(incident, FIRST_WARNING, None)
        warned = warn_at is not None and warn_at <= now
        return ("soon" if warned or left < soon() else "ok"), in_words(left)
    if getattr(incident, PAUSED, False):
        return "paused", "paused"
    made = getattr(incident, "made_sla", None)
    if made is True:
        return "met", "met"
    if made is False:
        return "missed", "missed"
    return "none", ""


@admin.display(description="Time left", ordering=NEXT_DEADLINE)
def time_left(incident: Any) -> SafeString:
    # Colours in kernel/static/kernel/admin.css (the CSP refuses style=""); the words say
    # the same for anyone who cannot tell the colours apart.
    state, words = time_left_state(incident, timezone.now())
    if state == "none":
        return format_html("{}", "")
    return format_html('<span class="sla-time-left sla-{}">{}</span>', state, words)


class SlaFilter(admin.SimpleListFilter):
    """Saved-search friendly: ``?sla=soon`` is the queue of what is about to breach."""

    title = "SLA"
    parameter_name = "sla"
    SOON = "soon"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    MISSED = "missed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (self.SOON, f"Breaching within {settings.SLA_SOON_MINUTES} min"),
            (self.BREACHED, "Breached"),
            (self.PAUSED, "Paused"),
            (self.MET, "Met"),
            (self.MISSED, "Missed"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        clocks = Clock.objects.filter(incident=OuterRef("pk"))
        match self.value():
            case self.SOON:
                return queryset.filter(Exists(clocks.breaching_within(now, soon())))
            case self.BREACHED:
                return queryset.filter(Exists(clocks.breached(now)))
            case self.PAUSED:
                return queryset.filter(Exists(clocks.paused().filter(stopped_at__isnull=True)))
            case self.MET:
                return queryset.filter(made_sla=True)
            case self.MISSED:
                return queryset.filter(made_sla=False)
        return queryset


def time_left_fact(request: HttpRequest, incident: Any) -> Fact | None:
    """The header of the incident's change form: the list's "Time left", for this one
    incident (one query: the list's own annotations)."""
    annotated = annotate_time_left(type(incident).objects.filter(pk=incident.pk)).first()
    if annotated is None:
        return None
    shown = time_left(annotated)
    return Fact("SLA", shown) if shown else None
