"""The alerts console: each module registers its admins with the site."""

from alerts.admin import alerts, integrations, runbooks, silences

__all__ = ["alerts", "integrations", "runbooks", "silences"]
