"""The import admin: the log of runs, read-only (``runs``), and the "Imported from" panel
on the incident's change form (``panels``, plugged in by ``imports.wiring``)."""

from imports.admin import panels, runs

__all__ = ["panels", "runs"]
