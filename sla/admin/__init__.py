"""The SLA admin: definitions (``definitions``), the clocks, read-only (``clocks``), and the
panel on the incident's change form (``panels``, plugged in by ``sla.wiring``)."""

from sla.admin import clocks, definitions, panels

__all__ = ["clocks", "definitions", "panels"]
