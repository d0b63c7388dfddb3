"""The change admin, its calendar, templates and blackout windows, and the change side of
the incident and problem consoles."""

from changes.admin import calendar, catalog, change, hooks

__all__ = ["calendar", "catalog", "change", "hooks"]
