"""The order of an incident's milestones, as data and one rule (no model: the model's
``clean()`` and ``incidents.milestones`` both read it)."""

from collections.abc import Mapping
from datetime import UTC, datetime

MILESTONES = (
    "impact_started",
    "detected",
    "reported",
    "acknowledged",
    "mitigated",
    "resolved",
    "closed",
)
LABELS = {
    "impact_started": "Impact started",
    "detected": "Detected",
    "reported": "Reported",
    "acknowledged": "Acknowledged",
    "mitigated": "Mitigated",
    "resolved": "Resolved",
    "closed": "Closed",
}


def field_of(milestone: str) -> str:
    return f"{milestone}_at"


def _when(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def milestone_refusal(values: Mapping[str, datetime | None]) -> str | None:
    """Why these milestones are out of order, naming the first pair that is, or None.
    Unset milestones are skipped: each set one may not be earlier than the last set one
    before it."""
    last: tuple[str, datetime] | None = None
    for name in MILESTONES:
        at = values.get(name)
        if at is None:
            continue
        if last is not None and at < last[1]:
            return (
                f"{LABELS[name]} ({_when(at)}) is before {LABELS[last[0]].lower()} "
                f"({_when(last[1])}): milestones go impact started, detected, reported, "
                "acknowledged, mitigated, resolved, closed."
            )
        last = (name, at)
    return None
