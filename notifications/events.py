"""From a ticket's timeline entry to a notification event: what kind it is, who hears about
it, and the words they get. Pure reading; ``outbox`` writes the rows."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from kernel.enums import Priority, TimelineKind
from notifications.enums import EventKind

if TYPE_CHECKING:
    from kernel.models import Ticket, TimelineEntry

# Timeline verbs that are moves between states. Any ticket type's move that is not listed
# still notifies as a state change when its entry records a "to" state.
MOVE_WORDS = {
    "acknowledge": "acknowledged",
    "hold": "put on hold",
    "resume": "resumed",
    "resolve": "resolved",
    "reopen": "reopened",
    "confirm": "closed (fix confirmed)",
    "close": "closed",
    "cancel": "canceled",
}


PAGE_KEYS = ("level", "cycle", "ack_url")
# What the email of each kind shows besides the common fields (the page's acknowledge link,
# the booked window of a scheduled change).
EXTRA_KEYS: dict[str, tuple[str, ...]] = {
    EventKind.PAGE: PAGE_KEYS,
    EventKind.CHANGE_SCHEDULED: ("planned_start", "planned_end"),
}


@dataclass(frozen=True)
class Event:
    """One notifiable happening. ``key`` names it for the outbox's uniqueness."""

    key: str
    kind: str
    subject: str
    body: str
    url: str
    user_ids: frozenset[int]
    team_id: int | None
    data: dict[str, Any] = field(default_factory=dict)
    public: bool = True
    """Whether webhooks and callers may see the body (work notes are for agents only)."""
    public_url: str = ""
    """The page recipients who are not staff open instead of ``url`` (the admin), if any."""

    def payload(self) -> dict[str, Any]:
        """The Standard Webhooks body: ``type``, ``timestamp``, ``data``."""
        body = self.body if self.public else ""
        return {
            "type": f"{self.data.get('model', 'ticket')}.{self.kind}",
            "timestamp": self.data.get("timestamp", ""),
            "data": {**self.data, "subject": self.subject, "body": body, "url": self.url},
        }


def ticket_url(ticket: "Ticket") -> str:
    meta = ticket._meta
    try:
        path = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[ticket.pk])
    except NoReverseMatch:
        path = "/admin/"
    return settings.SITE_URL.rstrip("/") + path


def portal_url(ticket: "Ticket") -> str:
    """An incident's page in the end users' portal, or "" for other tickets (and while the
    portal has no such page): callers cannot open the admin, so ``url`` is no use to them."""
    if ticket._meta.label_lower != "incidents.incident":
        return ""
    try:
        path = reverse("portal:incident", args=[ticket.number])
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path


# What a status update tells webhooks: the public words only, as the status page shows
# them (never the incident's internal title, priority or people).
STATUS_UPDATE_KEYS = ("public_title", "phase", "impact", "status_url")


def _status_update_event(ticket: "Ticket", entry: "TimelineEntry") -> "Event":
    data = {k: entry.data.get(k, "") for k in STATUS_UPDATE_KEYS}
    return Event(
        key=f"{ticket._meta.label_lower}:{ticket.pk}/{entry.pk}",
        kind=EventKind.STATUS_UPDATE,
        subject=f"{data['public_title']}: {data['phase']}",
        body=entry.body,
        url=data["status_url"],
        user_ids=frozenset(),
        team_id=ticket.assignment_group_id,
        data={
            "model": ticket._meta.model_name,
            "number": ticket.number,
            "verb": entry.verb,
            "timestamp": entry.created_at.isoformat(),
            **data,
        },
    )


def _people(ticket: "Ticket", *names: str) -> set[int]:
    ids = {getattr(ticket, f"{name}_id", None) for name in names}
    return {pk for pk in ids if pk is not None}


def _team(ticket: "Ticket") -> set[int]:
    from catalog.models import Team

    if ticket.assignment_group_id is None:
        return set()
    members = Team.members.through.objects.filter(team_id=ticket.assignment_group_id)
    return set(members.values_list("user_id", flat=True))


def _watchers(ticket: "Ticket") -> set[int]:
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Watch

    content_type = ContentType.objects.get_for_model(ticket)
    watches = Watch.objects.filter(content_type=content_type, object_id=ticket.pk)
    return set(watches.values_list("user_id", flat=True))


def _subscribers(ticket: "Ticket") -> set[int]:
    from notifications.models import ServiceSubscription

    if ticket.service_id is None:
        return set()
    subs = ServiceSubscription.objects.filter(service_id=ticket.service_id)
    return set(subs.values_list("user_id", flat=True))


def _assignee_or_team(ticket: "Ticket") -> set[int]:
    return _people(ticket, "assigned_to") or _team(ticket)


def _manager(ticket: "Ticket") -> set[int]:
    group = ticket.assignment_group
    return {group.manager_id} if group is not None and group.manager_id else set()


def classify(ticket: "Ticket", entry: "TimelineEntry") -> tuple[str, str, set[int]] | None:
    """(kind, what happened in words, who hears) for a timeline entry, or None when the
    entry notifies nobody (field edits, lowered priorities)."""
    verb, data = entry.verb, entry.data
    if entry.kind == TimelineKind.COMMENT:
        who = _people(ticket, "caller", "assigned_to") | _watchers(ticket)
        return EventKind.COMMENT, f"comment from {entry.author or 'the desk'}", who
    if entry.kind == TimelineKind.WORK_NOTE:
        return EventKind.WORK_NOTE, f"work note from {entry.author}", _team(ticket)
    if verb == "created":
        who = (
            _people(ticket, "caller", "assigned_to")
            | _team(ticket)
            | _watchers(ticket)
            | _subscribers(ticket)
        )
        return EventKind.CREATED, "logged", who
    if verb == "assigned":
        return EventKind.ASSIGNED, f"assigned to {_assignment(ticket)}", _assignee_or_team(ticket)
    if verb == "priority":
        if data.get("to", 9) >= data.get("from", 0):
            return None  # lowered or unchanged: not worth waking anyone for
        raised = f"priority raised to {Priority(data['to']).label}"
        return EventKind.PRIORITY_RAISED, raised, _assignee_or_team(ticket) | _watchers(ticket)
    if verb in ("escalated", "escalate_manager"):
        return EventKind.ESCALATED, "escalated to the team's manager", _manager(ticket)
    if verb == "escalate_group":
        # Functional escalation clears the assignee: the new group's queue is everyone's.
        return EventKind.ASSIGNED, f"escalated to {_assignment(ticket)}", _team(ticket)
    if verb == EventKind.APPROVAL_REQUESTED:
        # The asking app names the approvers (a user, a group's members, emergency
        # approvers) in the entry, as they were when it asked.
        return EventKind.APPROVAL_REQUESTED, "your approval is requested", set(data["approvers"])
    if verb == "schedule" and "planned_start" in data:
        who = _assignee_or_team(ticket) | _people(ticket, "requested_by") | _watchers(ticket)
        return EventKind.CHANGE_SCHEDULED, "scheduled", who
    if verb == EventKind.STATUS_UPDATE:
        # Public: webhooks hear it; subscribers are addresses, mailed by the status page.
        return EventKind.STATUS_UPDATE, "status update", set()
    if verb == "paged":
        return EventKind.PAGE, "you are paged", {data["user"]} if data.get("user") else set()
    if verb in (EventKind.SLA_WARNING, EventKind.SLA_BREACH):
        return verb, EventKind(verb).label.lower(), _assignee_or_team(ticket)
    if verb in MOVE_WORDS or "to" in data:
        who = _people(ticket, "caller", "assigned_to") | _watchers(ticket)
        if verb in ("resolve", "cancel", "close", "confirm"):
            who |= _subscribers(ticket)
        return EventKind.STATE_CHANGED, MOVE_WORDS.get(verb, verb), who
    return None


def _assignment(ticket: "Ticket") -> str:
    if ticket.assigned_to is not None:
        return str(ticket.assigned_to)
    return str(ticket.assignment_group or "nobody")


def event_for(ticket: "Ticket", entry: "TimelineEntry") -> Event | None:
    found = classify(ticket, entry)
    if found is None:
        return None
    kind, what, who = found
    if kind == EventKind.STATUS_UPDATE:
        return _status_update_event(ticket, entry)
    if kind != EventKind.PAGE and entry.author_id is not None:
        who.discard(entry.author_id)  # nobody needs to hear about what they just did
    meta = ticket._meta
    status = getattr(ticket, "get_status_display", lambda: "")()
    return Event(
        key=f"{meta.label_lower}:{ticket.pk}/{entry.pk}",
        kind=kind,
        subject=f"[{ticket.number}] {ticket.title}: {what}",
        body=entry.body,
        url=ticket_url(ticket),
        public_url=portal_url(ticket),
        user_ids=frozenset(who),
        team_id=ticket.assignment_group_id,
        public=entry.is_public,
        data={
            "model": meta.model_name,
            "number": ticket.number,
            "title": ticket.title,
            "status": status,
            "priority": ticket.priority,
            "verb": entry.verb,
            "actor": str(entry.author) if entry.author_id else None,
            "timestamp": entry.created_at.isoformat(),
            # A page carries its level and the signed acknowledge link for the email.
            **{k: v for k, v in entry.data.items() if k in EXTRA_KEYS.get(kind, ())},
        },
    )
