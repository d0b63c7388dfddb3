"""The "SLA" panel on the incident's change form (``kernel.admin.panels``, plugged in by
``sla.wiring``): each clock with its definition and target, and when it is due and how
much time is left, or that it is paused, met, missed or cancelled. One query."""

from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone

from incidents.models import Incident
from kernel.admin.panels import Panel, PanelRow
from sla.admin.clocks import clock_state
from sla.models import Clock


def span(delta: timedelta) -> str:
    """A duration as people say it: "2 h 05 min", "3 d 4 h", "45 min"."""
    minutes = abs(int(delta.total_seconds())) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def stamp(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "-"


def describe(clock: Clock, now: datetime) -> str:
    """The line under the clock: where it stands."""
    state = clock_state(clock)
    used = span(timedelta(seconds=clock.elapsed_seconds))
    if state == "cancelled":
        return f"Cancelled {stamp(clock.cancelled_at)}: {clock.cancel_reason}"
    if state in ("met", "missed"):
        verb = "Met" if state == "met" else f"Missed (breached {stamp(clock.breached_at)})"
        return f"{verb}: stopped {stamp(clock.stopped_at)} after {used} of business time."
    left = clock.time_left(now)
    if state == "paused":
        return (
            f"Paused since {stamp(clock.paused_since)}; "
            f"{span(left or timedelta(0))} of business time left."
        )
    if left is not None and left < timedelta(0):
        return f"Breached: due {stamp(clock.breach_at)}, {span(left)} ago."
    warned = " (warned)" if clock.warned_at else ""
    return f"Due {stamp(clock.breach_at)}, {span(left or timedelta(0))} left{warned}."


def sla_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    if not request.user.has_perm("sla.view_clock"):
        return None
    clocks = (
        Clock.objects.filter(incident=incident)
        .select_related("definition")
        .order_by("cancelled_at", "target", "id")
    )
    now = timezone.now()
    rows = [
        PanelRow(
            f"{clock.get_target_display()}: {clock.definition} "
            f"({clock.definition.describe(clock.target)})",
            note=describe(clock, now),
        )
        for clock in clocks
    ]
    return Panel("SLA", rows, empty="No SLA definition applies to this incident.")
