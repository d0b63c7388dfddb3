"""The metrics app's admin: the reports page (``reports``)."""

from metrics.admin import reports

__all__ = ["reports"]
