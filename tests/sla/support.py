"""Helpers of the SLA tests: ``at(...)`` runs workflow moves at a chosen instant (time-machine
travels the clock; nothing of ours is mocked), ``move``, ``clock_of`` and an office calendar."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

import time_machine

from incidents.models import Incident
from incidents.workflow import incident_move
from sla.models import Calendar, Clock, Holiday, WorkingPeriod

BERLIN = "Europe/Berlin"


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Everything inside happens at ``moment`` (the clock stands still)."""
    with time_machine.travel(moment, tick=False):
        yield


def move(incident: Incident, name: str, when: datetime, by: Any, **inputs: Any) -> Incident:
    with at(when):
        return incident_move(incident, name, by=by, **inputs)


def clock_of(incident: Incident, target: str) -> Clock:
    return Clock.objects.active().get(incident=incident, target=target)


def office_calendar(name: str = "Office Berlin", holidays: tuple[date, ...] = ()) -> Calendar:
    """Monday to Friday, 09:00-17:00 Berlin time, 8 h business days."""
    calendar = Calendar.objects.create(name=name, time_zone=BERLIN, business_day=timedelta(hours=8))
    for weekday in range(5):
        WorkingPeriod.objects.create(
            calendar=calendar, weekday=weekday, start=time(9), end=time(17)
        )
    for day in holidays:
        Holiday.objects.create(calendar=calendar, date=day, name="Holiday")
    return calendar
