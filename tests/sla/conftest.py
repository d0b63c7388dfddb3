"""SLA fixtures: a 24x7 and an office calendar, and SLA definitions on them."""

from collections.abc import Callable
from typing import Any

import pytest

from sla.models import Calendar, SlaDefinition
from tests.sla.support import office_calendar


@pytest.fixture
def always(db: None) -> Calendar:
    return Calendar.objects.create(name="24x7", always_on=True)


@pytest.fixture
def office(db: None) -> Calendar:
    return office_calendar()


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
