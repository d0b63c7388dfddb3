"""Business calendars: the time zone, the working periods of each weekday, the holidays,
or 24x7. ``Calendar.working_time()`` turns the rows into the pure arithmetic of
``sla.worktime``."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from kernel.zones import validate_time_zone
from sla.worktime import WorkingTime

MIDNIGHT = time(0)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def validate_business_day(value: timedelta) -> None:
    # Zero would breach every clock in days at once; more than a day is not a day.
    if not timedelta(0) < value <= timedelta(hours=24):
        raise ValidationError("A business day is more than zero and at most 24 hours.")


class Calendar(models.Model):
    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Working periods and holidays are wall-clock times and dates here, "
        "across DST changes.",
    )
    always_on = models.BooleanField(
        "24x7",
        default=False,
        help_text="Every second counts: the working periods and holidays are ignored.",
    )
    business_day = models.DurationField(
        default=timedelta(hours=8),
        validators=[validate_business_day],
        help_text="How long one business day is when a target is given in days "
        "(more than zero, at most 24 hours).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def working_time(self) -> WorkingTime:
        """The calendar's arithmetic. Reads ``periods`` and ``holidays`` through their
        related managers, so ``prefetch_related("periods", "holidays")`` makes it free."""
        if self.always_on:
            return WorkingTime(zone=ZoneInfo(self.time_zone), weekly=(), always=True)
        days: dict[int, list[tuple[time, time]]] = defaultdict(list)
        for period in self.periods.all():
            days[period.weekday].append((period.start, period.end))
        return WorkingTime(
            zone=ZoneInfo(self.time_zone),
            weekly=tuple(tuple(sorted(days[weekday])) for weekday in range(7)),
            holidays=frozenset(holiday.date for holiday in self.holidays.all()),
        )


def overlaps(periods: Iterable[tuple[int, time, time]]) -> list[str]:
    """Why these (weekday, start, end) periods cannot stand together, one sentence per
    clash: periods of one weekday may touch but not overlap."""
    by_day: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, start, end in periods:
        by_day[weekday].append((start, end))
    clashes = []
    for weekday, spans in sorted(by_day.items()):
        spans.sort()
        for (start, end), (next_start, next_end) in pairwise(spans):
            if end == MIDNIGHT or next_start < end:
                clashes.append(
                    f"{Weekday(weekday).label}: {start:%H:%M}-{end:%H:%M} overlaps "
                    f"{next_start:%H:%M}-{next_end:%H:%M}."
                )
    return clashes


class WorkingPeriod(models.Model):
    """One working interval of a weekday, in the calendar's wall-clock time. An end of
    00:00 is the midnight that ends the day; a night shift past midnight is two periods."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")) | models.Q(end=MIDNIGHT),
                name="working_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="working_period_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is None or self.end is None:
            return  # the field errors say so
        if self.end != MIDNIGHT and self.end <= self.start:
            raise ValidationError(
                {"end": "The period must end after it starts (00:00 for midnight)."}
            )


class Holiday(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        ICAL = "ical", "Imported from iCalendar"
        GENERATED = "generated", "Generated by country"

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(help_text="A local date with no working time at all.")
    name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source, default=Source.MANUAL)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()
