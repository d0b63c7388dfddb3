"""The words of the status page: a public incident's impact and phase, and a service's
status. Values are Atlassian Statuspage's, so aggregators read them without a mapping."""

from django.db import models


class Impact(models.TextChoices):
    """What a public incident does to its service, as the communications lead words it."""

    DEGRADED_PERFORMANCE = "degraded_performance", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"


class Phase(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


class ServiceStatus(models.TextChoices):
    """A service's status, in rising order of gravity (see ``RANK``)."""

    OPERATIONAL = "operational", "Operational"
    UNDER_MAINTENANCE = "under_maintenance", "Under maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"


# Any incident outranks maintenance: a service broken during its maintenance window is
# broken, and saying "maintenance" would hide it.
RANK: dict[str, int] = {status: rank for rank, status in enumerate(ServiceStatus.values)}


def worst(*statuses: str) -> ServiceStatus:
    """The gravest of ``statuses`` (operational when there are none)."""
    return ServiceStatus(max(statuses, key=RANK.__getitem__, default=ServiceStatus.OPERATIONAL))


# Statuspage's page indicator and its wording, from the worst service status.
INDICATORS: dict[str, tuple[str, str]] = {
    ServiceStatus.OPERATIONAL: ("none", "All systems operational"),
    ServiceStatus.UNDER_MAINTENANCE: ("maintenance", "Service under maintenance"),
    ServiceStatus.DEGRADED_PERFORMANCE: ("minor", "Degraded performance"),
    ServiceStatus.PARTIAL_OUTAGE: ("major", "Partial system outage"),
    ServiceStatus.MAJOR_OUTAGE: ("critical", "Major system outage"),
}
# An incident's impact in Statuspage's incident vocabulary (summary.json).
INCIDENT_IMPACT: dict[str, str] = {
    Impact.DEGRADED_PERFORMANCE: "minor",
    Impact.PARTIAL_OUTAGE: "major",
    Impact.MAJOR_OUTAGE: "critical",
}
