"""SLA fixtures: calendars as managers set them up (an office, a 24x7 one) and SLA
definitions on them."""

from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from sla.models import Calendar, SlaDefinition, WorkingPeriod

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def office(db: None) -> Calendar:
    """Monday to Friday 09:00-17:00 in Berlin."""
    calendar = Calendar.objects.create(name="Berlin office", time_zone="Europe/Berlin")
    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(calendar=calendar, weekday=day, start=time(9), end=time(17))
        for day in range(5)
    )
    return calendar


@pytest.fixture
def office_ics() -> bytes:
    return (FIXTURES / "office-holidays.ics").read_bytes()


@pytest.fixture
def always(db: None) -> Calendar:
    return Calendar.objects.create(name="24x7", always_on=True)


@pytest.fixture
def define(db: None) -> Callable[..., SlaDefinition]:
    def make(name: str, calendar: Calendar, **fields: Any) -> SlaDefinition:
        services = fields.pop("services", [])
        categories = fields.pop("categories", [])
        definition = SlaDefinition.objects.create(name=name, calendar=calendar, **fields)
        definition.services.set(services)
        definition.categories.set(categories)
        return definition

    return make
