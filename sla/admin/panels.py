"""The SLA panel on the incident's change form (``kernel.admin.panels``)."""

from django.http import HttpRequest

from incidents.models import Incident
from kernel.admin.panels import Panel


def sla_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    return None
