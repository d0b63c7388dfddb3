"""The facts a postmortem starts from, read from its incident: the durations between its
milestones (to the second), the services it hit, its starred timeline events."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

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
    found: dict[str, datetime | None] = {
        name: getattr(incident, f"{name}_at", None)
        for name in ("impact_started", "detected", "reported", "acknowledged", "mitigated")
    }
    found["resolved"] = incident.resolved_at
    found["impact_ended"] = found["mitigated"] or incident.resolved_at
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


def _when(item: Any) -> datetime | None:
    for name in ("at", "event_time", "occurred_at", "created_at"):
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
        if isinstance(value, datetime):
            return value
    return None


def _text(item: Any, *names: str) -> str:
    for name in names:
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
        if value:
            return str(value)
    return ""


def key_events(incident: Incident) -> list[dict[str, str]]:
    """The incident's starred timeline items (``response.timeline.starred_items``), as the
    postmortem keeps them: time (ISO 8601), title, body and author's name."""
    from response.timeline import starred_items

    rows = []
    for item in _as_list(starred_items(incident)):
        when = _when(item)
        rows.append(
            {
                "at": when.isoformat() if when is not None else "",
                "title": _text(item, "title", "verb"),
                "body": _text(item, "body"),
                "author": _text(item, "author_name", "author"),
            }
        )
    return rows


def _as_list(items: Iterable[Any]) -> list[Any]:
    return list(items)


def services_hit(incident: Incident) -> list[Any]:
    """The incident's service and those of the incidents reporting the same outage."""
    found = [incident.service] if incident.service_id is not None else []
    children = getattr(incident, "children", None)
    if children is not None:
        for child in children.select_related("service"):
            if child.service is not None and child.service not in found:
                found.append(child.service)
    return found
