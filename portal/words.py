"""The incident in the caller's words: states, and the public timeline. Internal events
(reassignments, priority changes, escalations, field edits) and work notes never reach
the caller: ``Incident.requester_timeline`` names what does."""

from dataclasses import dataclass
from datetime import datetime

from incidents.models import HoldReason, Incident, IncidentTimelineEntry, Status
from kernel.enums import TimelineKind
from kernel.timeline import requester_entries

STATE_WORDS: dict[int, str] = {
    Status.NEW: "Received",
    Status.IN_PROGRESS: "Being worked on",
    Status.ON_HOLD: "On hold",
    Status.RESOLVED: "Resolved: please confirm",
    Status.CLOSED: "Closed",
    Status.CANCELED: "Canceled",
}
HOLD_WORDS: dict[str, str] = {
    HoldReason.AWAITING_CALLER: "Waiting for your reply",
    HoldReason.AWAITING_EVIDENCE: "On hold: waiting for more information",
    HoldReason.AWAITING_CHANGE: "On hold: waiting for a planned change",
    HoldReason.AWAITING_PROBLEM: "On hold: part of a wider problem being fixed",
    HoldReason.AWAITING_VENDOR: "On hold: waiting for a supplier",
}


def state_words(incident: Incident) -> str:
    if incident.status == Status.ON_HOLD and incident.hold_reason in HOLD_WORDS:
        return HOLD_WORDS[incident.hold_reason]
    return STATE_WORDS.get(incident.status, incident.get_status_display())


@dataclass(frozen=True)
class Line:
    """One line of the public timeline."""

    kind: str
    """``comment`` or ``event``"""
    title: str
    body: str
    author: str
    at: datetime
    mine: bool


def _author(entry: IncidentTimelineEntry, viewer_id: int) -> str:
    if entry.author is None:
        return "servicedesk"
    if entry.author_id == viewer_id:
        return "You"
    return entry.author.get_full_name() or entry.author.get_username()


def public_timeline(incident: Incident, viewer_id: int) -> list[Line]:
    """Comments and the events the caller sees (``Incident.requester_timeline``), oldest
    first, in one query."""
    allowed = Incident.requester_timeline
    entries = (
        requester_entries(incident.timeline.all(), allowed)
        .select_related("author")
        .order_by("created_at", "id")
    )
    lines: list[Line] = []
    for entry in entries:
        author = _author(entry, viewer_id)
        mine = entry.author_id == viewer_id
        if entry.kind == TimelineKind.COMMENT:
            lines.append(
                Line("comment", f"{author} wrote", entry.body, author, entry.created_at, mine)
            )
            continue
        shown = allowed[entry.verb]
        title = shown.title
        if entry.verb == "hold":
            title = HOLD_WORDS.get(entry.data.get("hold_reason", ""), title)
        body = entry.body if shown.shows_body(entry.data) else ""
        lines.append(Line("event", title, body, author, entry.created_at, mine))
    return lines
