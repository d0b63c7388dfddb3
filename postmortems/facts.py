"""The facts a postmortem starts from, read from its incident: the durations between its
milestones (to the second), the services it hit, its starred timeline events."""

from datetime import datetime

from catalog.models import Service
from incidents.milestones import milestones_of
from incidents.models import Incident

# (key, label, from milestone, to milestone): what each duration measures. "impact_started"
# may be earlier than anything the desk saw; "reported" is when the desk heard of it.
DURATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("time_to_detect", "Time to detect", "impact_started", "detected"),
    ("time_to_acknowledge", "Time to acknowledge", "impact_started", "acknowledged"),
    ("time_to_mitigate", "Time to mitigate", "impact_started", "mitigated"),
    ("time_to_resolve", "Time to resolve", "impact_started", "resolved"),
    ("reported_to_acknowledge", "Reported to acknowledged", "reported", "acknowledged"),
    ("reported_to_mitigate", "Reported to mitigated", "reported", "mitigated"),
    ("reported_to_resolve", "Reported to resolved", "reported", "resolved"),
    ("impact_duration", "Duration of the impact", "impact_started", "impact_ended"),
)
DURATION_LABELS = {key: label for key, label, _, _ in DURATIONS}


def milestones(incident: Incident) -> dict[str, datetime | None]:
    """The incident's milestones by name; the impact ends when it was mitigated, else
    when it was resolved."""
    found = milestones_of(incident)
    found["impact_ended"] = found["mitigated"] or found["resolved"]
    return found


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole seconds from ``start`` to ``end``: each instant is taken to its second first,
    so 10:00:00.900 to 10:00:01.100 counts one second, as the timestamps read."""
    if start is None or end is None:
        return None
    return int(end.replace(microsecond=0).timestamp() - start.replace(microsecond=0).timestamp())


def durations(incident: Incident) -> dict[str, int | None]:
    """Every duration of ``DURATIONS`` in seconds, None where a milestone is missing."""
    at = milestones(incident)
    return {key: seconds_between(at[start], at[end]) for key, _, start, end in DURATIONS}


def format_seconds(value: int | None) -> str:
    """``3725`` as "1h 02m 05s"; "n/a" for a duration that cannot be computed."""
    if value is None:
        return "n/a"
    sign, value = ("-" if value < 0 else ""), abs(value)
    days, rest = divmod(value, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h {minutes:02d}m {seconds:02d}s"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m {seconds:02d}s"
    if minutes:
        return f"{sign}{minutes}m {seconds:02d}s"
    return f"{sign}{seconds}s"


def key_events(incident: Incident) -> list[dict[str, str]]:
    """The incident's starred timeline items (``response.timeline.starred_items``, oldest
    first), as the postmortem keeps them: when it happened (ISO 8601), title, body and who."""
    from response.timeline import starred_items

    return [
        {"at": item.at.isoformat(), "title": item.title, "body": item.body, "author": item.author}
        for item in starred_items(incident)
    ]


def services_hit(incident: Incident) -> list[Service]:
    """The incident's service and those of the incidents reporting the same outage."""
    found: list[Service] = []
    children = incident.children.select_related("service")
    for service in (incident.service, *(child.service for child in children)):
        if service is not None and service not in found:
            found.append(service)
    return found
