"""The SLA admin: calendars with their periods and holidays."""

from sla.admin import calendars

__all__ = ["calendars"]
