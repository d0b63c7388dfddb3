"""The alerts app in the agents' console; each module registers its models."""

from alerts.admin import alerts, integrations, silences

__all__ = ["alerts", "integrations", "silences"]
