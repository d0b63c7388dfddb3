"""Sensible defaults for a new desk (and the demo): a 24x7 calendar, an office calendar
(Monday to Friday 09:00-17:00) and one definition per priority with the targets ITIL desks
use (ITIL.md: resolution 1 h, 8 h, 24 h, 48 h for P1 to P4). Critical and high incidents
are worked around the clock; moderate and low ones in office hours, where 24 h and 48 h
are three and six business days. Planning (P5) incidents get no clock: they are planned.

Idempotent: what exists by name is left as it is, so a manager's edits survive."""

from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction

from sla.models import Calendar, SlaDefinition, TargetUnit, WorkingPeriod

ALWAYS_NAME = "24x7"
OFFICE_NAME = "Office hours"


@dataclass(frozen=True)
class DefaultTarget:
    name: str
    priority: int
    always: bool
    unit: str
    response: Decimal
    resolution: Decimal


DEFAULTS = (
    DefaultTarget("P1 Critical", 1, True, TargetUnit.MINUTES, Decimal(15), Decimal(60)),
    DefaultTarget("P2 High", 2, True, TargetUnit.MINUTES, Decimal(30), Decimal(480)),
    DefaultTarget("P3 Moderate", 3, False, TargetUnit.BUSINESS_DAYS, Decimal("0.5"), Decimal(3)),
    DefaultTarget("P4 Low", 4, False, TargetUnit.BUSINESS_DAYS, Decimal(1), Decimal(6)),
)


def sla_defaults_create(*, time_zone: str = "Europe/Berlin") -> list[SlaDefinition]:
    """Create the default calendars and definitions that do not exist yet; returns the
    four definitions in matching order."""
    with transaction.atomic():
        always, _ = Calendar.objects.get_or_create(
            name=ALWAYS_NAME, defaults={"always_on": True, "time_zone": "UTC"}
        )
        office, created = Calendar.objects.get_or_create(
            name=OFFICE_NAME,
            defaults={"time_zone": time_zone, "business_day": timedelta(hours=8)},
        )
        if created:
            WorkingPeriod.objects.bulk_create(
                WorkingPeriod(calendar=office, weekday=day, start=time(9), end=time(17))
                for day in range(5)
            )
        definitions = []
        for order, item in enumerate(DEFAULTS, start=1):
            definition, _ = SlaDefinition.objects.get_or_create(
                name=item.name,
                defaults={
                    "order": order * 10,
                    "priorities": [item.priority],
                    "calendar": always if item.always else office,
                    "unit": item.unit,
                    "response_target": item.response,
                    "resolution_target": item.resolution,
                },
            )
            definitions.append(definition)
    return definitions
