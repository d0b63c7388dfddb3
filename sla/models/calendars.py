# TEMPORARY stand-in for H1's calendars (replaced when /work/h1 is pulled).
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from simple_history.models import HistoricalRecords

from sla.worktime import ALWAYS, WorkingTime


class Calendar(models.Model):
    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    always_on = models.BooleanField("24x7", default=False)
    business_day = models.DurationField(default=timedelta(hours=8))
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    def working_time(self) -> WorkingTime:
        if self.always_on:
            return ALWAYS
        weekly: list[list[tuple[time, time]]] = [[] for _ in range(7)]
        for period in self.periods.all():
            weekly[period.weekday].append((period.start, period.end))
        return WorkingTime(
            zone=ZoneInfo(self.time_zone),
            weekly=tuple(tuple(sorted(day)) for day in weekly),
            holidays=frozenset(h.date for h in self.holidays.all()),
        )


class WorkingPeriod(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField()
    start = models.TimeField()
    end = models.TimeField()


class Holiday(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)
