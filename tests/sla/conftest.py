"""Calendars as managers set them up."""

from datetime import time
from pathlib import Path

import pytest

from sla.models import Calendar, WorkingPeriod

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
