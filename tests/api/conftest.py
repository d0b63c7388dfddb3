"""Helpers for the API tests."""

from incidents.models import Incident


def url(incident: Incident | str, action: str = "") -> str:
    number = incident if isinstance(incident, str) else incident.number
    return f"/api/v1/incidents/{number}/" + (f"{action}/" if action else "")
