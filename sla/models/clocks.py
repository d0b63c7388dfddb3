"""SLA clocks: one row per incident, target and application of a definition. Written only
by ``sla.clocks`` (the engine), read by the alarms, the admin and the API.

A clock stores its start, its closed pauses, an open pause (``paused_since``) and its stop;
elapsed business time is the calendar's working time inside [start, stop) minus the
working time inside the pauses. The due instants of 75 % and 100 % are precomputed on
every change so that SQL finds "breaching in the next N minutes" with an index."""

from datetime import datetime, timedelta
from typing import Self

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sla.models.definitions import Target

WARN_PERCENT = 75

# The rows the alarms sweep: running clocks only (not cancelled, stopped or paused).
RUNNING = models.Q(cancelled_at__isnull=True, stopped_at__isnull=True, paused_since__isnull=True)


class ClockQuerySet(models.QuerySet["Clock"]):
    def active(self) -> Self:
        """Not cancelled (a re-evaluation or a canceled incident cancels clocks)."""
        return self.filter(cancelled_at__isnull=True)

    def running(self) -> Self:
        return self.filter(RUNNING)

    def paused(self) -> Self:
        return self.filter(cancelled_at__isnull=True, paused_since__isnull=False)

    def stopped(self) -> Self:
        return self.filter(cancelled_at__isnull=True, stopped_at__isnull=False)

    def breaching_within(self, now: datetime, delta: timedelta) -> Self:
        """Running clocks not breached yet whose deadline falls within ``delta`` of ``now``."""
        return self.running().filter(breach_at__gte=now, breach_at__lte=now + delta)

    def breached(self, now: datetime | None = None) -> Self:
        """Clocks stamped breached, and running ones past their deadline the alarms have
        not stamped yet."""
        now = now or timezone.now()
        return self.active().filter(
            models.Q(breached_at__isnull=False) | (RUNNING & models.Q(breach_at__lt=now))
        )


class Clock(models.Model):
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="sla_clocks"
    )
    target = models.CharField(max_length=16, choices=Target)
    definition = models.ForeignKey(
        "sla.SlaDefinition", on_delete=models.PROTECT, related_name="clocks"
    )
    target_seconds = models.PositiveIntegerField(
        help_text="The target in business seconds, fixed when the clock was made."
    )
    started_at = models.DateTimeField()
    pauses = models.JSONField(
        default=list, blank=True, help_text="Closed pauses, as [start, end] ISO instants."
    )
    paused_since = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    warn_at = models.DateTimeField(
        null=True, blank=True, help_text="When 75 % of the target is used (while running)."
    )
    breach_at = models.DateTimeField(
        null=True, blank=True, help_text="When the target is used up (while running)."
    )
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    made_sla = models.BooleanField(
        null=True, blank=True, help_text="Whether the target was met, once the clock stopped."
    )
    elapsed_seconds = models.PositiveIntegerField(
        default=0, help_text="Business seconds used up to the last pause or stop."
    )
    history = HistoricalRecords()

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["incident", "started_at", "id"]
        verbose_name = "SLA clock"
        indexes = [
            # The list's "breaching soon" and "breached" filters and its sort.
            models.Index(fields=["breach_at"], name="sla_clock_running_breach", condition=RUNNING),
            # The alarms' sweep: only breaches not told yet, so the overdue clocks of an old
            # backlog are not read again on every sweep.
            models.Index(
                fields=["breach_at"],
                name="sla_clock_running_unbreached",
                condition=RUNNING & models.Q(breached_at__isnull=True),
            ),
            models.Index(
                fields=["warn_at"],
                name="sla_clock_running_warn",
                condition=RUNNING & models.Q(warned_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} of incident {self.incident_id}"

    @property
    def is_running(self) -> bool:
        return self.cancelled_at is None and self.stopped_at is None and self.paused_since is None

    @property
    def is_paused(self) -> bool:
        return self.cancelled_at is None and self.paused_since is not None

    @property
    def warn_seconds(self) -> int:
        return self.target_seconds * WARN_PERCENT // 100

    def closed_pauses(self) -> list[tuple[datetime, datetime]]:
        return [
            (datetime.fromisoformat(start), datetime.fromisoformat(end))
            for start, end in self.pauses
        ]

    def time_left(self, now: datetime | None = None) -> timedelta | None:
        """Until the deadline: wall-clock time to ``breach_at`` while running (negative
        once past it), the business time still left while paused (nothing moves then);
        ``None`` once stopped or cancelled."""
        if self.is_running and self.breach_at is not None:
            return self.breach_at - (now or timezone.now())
        if self.is_paused:
            return timedelta(seconds=self.target_seconds - self.elapsed_seconds)
        return None
