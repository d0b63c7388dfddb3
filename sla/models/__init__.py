"""The SLA app's models, one module per concern."""

from sla.models.calendars import Calendar, Holiday, Weekday, WorkingPeriod
from sla.models.clocks import Clock, ClockQuerySet
from sla.models.definitions import SlaDefinition, Target, TargetUnit

__all__ = [
    "Calendar",
    "Clock",
    "ClockQuerySet",
    "Holiday",
    "SlaDefinition",
    "Target",
    "TargetUnit",
    "Weekday",
    "WorkingPeriod",
]
