"""The SLA app's models, one module per concern."""

from sla.models.calendars import Calendar, Holiday, Weekday, WorkingPeriod

__all__ = ["Calendar", "Holiday", "Weekday", "WorkingPeriod"]
