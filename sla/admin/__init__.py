"""The SLA admin: calendars with their periods and holidays (``calendars``), definitions
(``definitions``), the clocks, read-only (``clocks``), and the panel on the incident's
change form (``panels``, plugged in by ``sla.wiring``)."""

from sla.admin import calendars, clocks, definitions, panels

__all__ = ["calendars", "clocks", "definitions", "panels"]
