"""SLA fixtures: a 24x7 and an office calendar, definitions on them, and ``at(...)``, which
runs workflow moves at a chosen instant (time-machine travels the clock; nothing of ours
is mocked)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine

from incidents.models import Incident
from incidents.workflow import incident_move
from sla.models import Calendar, Clock, Holiday, SlaDefinition, WorkingPeriod

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


@pytest.fixture
def always(db: None) -> Calendar:
    return Calendar.objects.create(name="24x7", always_on=True)


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


@pytest.fixture
def office(db: None) -> Calendar:
    return office_calendar()


@pytest.fixture
def define(db: None) -> Callable[..., SlaDefinition]:
    def make(name: str, calendar: Calendar, **fields: Any) -> SlaDefinition:
        services = fields.pop("services", [])
        definition = SlaDefinition.objects.create(name=name, calendar=calendar, **fields)
        definition.services.set(services)
        return definition

    return make


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
