"""The incident in the caller's words: states, and the public timeline. Internal events
(reassignments, priority changes, escalations, field edits) and work notes never reach
the caller; this module names what does."""

from dataclasses import dataclass
from datetime import datetime

from incidents.models import HoldReason, Incident, IncidentTimelineEntry, Status
from kernel.enums import TimelineKind

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
# Events the caller sees, in words; the body is shown only where it is meant for them.
EVENT_WORDS: dict[str, tuple[str, bool]] = {
    "created": ("Reported", False),
    "acknowledge": ("An agent picked this up", False),
    "resume": ("Work resumed", False),
    "resolve": ("Resolved", True),
    "reopen": ("Reopened: still broken", True),
    "confirm": ("Fix confirmed: closed", False),
    "close": ("Closed", False),
    "cancel": ("Canceled", True),
    "attached": ("Files added", True),
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
    """Comments and the public events, oldest first, in one query."""
    entries = (
        incident.timeline.exclude(kind=TimelineKind.WORK_NOTE)
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
        if entry.verb == "hold":
            reason = entry.data.get("hold_reason", "")
            # Only a question to the caller is for the caller; vendor ticket numbers and
            # the like stay with the desk.
            body = entry.body if reason == HoldReason.AWAITING_CALLER else ""
            title = HOLD_WORDS.get(reason, "On hold")
            lines.append(Line("event", title, body, author, entry.created_at, mine))
        elif entry.verb in EVENT_WORDS:
            title, show_body = EVENT_WORDS[entry.verb]
            body = entry.body if show_body else ""
            lines.append(Line("event", title, body, author, entry.created_at, mine))
    return lines
