"""A major incident that needs a postmortem does not close until it is published: the
guard ``postmortems.wiring`` registers on the incident's ``close`` and ``confirm`` moves
(``kernel.transitions.register_move_guard``). The refusal says what is missing."""

from django.conf import settings

from incidents.models import Incident
from postmortems.models import Postmortem, Status


def requires_postmortem(incident: Incident) -> bool:
    """A declared major incident whose priority or severity is one the desk reviews
    (``POSTMORTEM_REQUIRED_PRIORITIES`` / ``POSTMORTEM_REQUIRED_SEVERITIES``)."""
    if not incident.is_major:
        return False
    return (
        incident.priority in settings.POSTMORTEM_REQUIRED_PRIORITIES
        or incident.severity in settings.POSTMORTEM_REQUIRED_SEVERITIES
    )


def close_refusal(incident: Incident) -> str | None:
    """Why ``incident`` may not close yet, or None."""
    if not requires_postmortem(incident):
        return None
    postmortem = Postmortem.objects.filter(incident=incident).only("number", "status").first()
    if postmortem is None:
        return (
            "Write and publish a postmortem first: major incidents are reviewed before they close."
        )
    if postmortem.status != Status.PUBLISHED:
        label = postmortem.get_status_display().lower()
        return f"Publish the postmortem first: {postmortem.number} is {label}."
    return None
