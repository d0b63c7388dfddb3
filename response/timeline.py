"""An incident's merged timeline: its own timeline entries (moves, priority and role
changes, notes, comments, stakeholder and public updates, scribe entries), the alerts it
received, the events of the changes linked to it and the notifications sent about it, in
one list ordered by event time, then record time, then source and id (stable).

Scribe entries carry an explicit event time (``scribe_entry_add``); stars mark key items
(``timeline_star``), and postmortems pre-fill from ``starred_items``. Keep ``Item``'s
fields and those two functions' names stable: ``postmortems`` reads them."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from alerts.models import Alert
from changes.models import ChangeTimelineEntry
from incidents.major import role_holders
from incidents.models import Incident, IncidentTimelineEntry, Role
from kernel.enums import TimelineKind
from kernel.errors import MoveForbidden, MoveInvalid
from kernel.models import Ticket, TimelineEntry
from kernel.workflow import lock, record_event, save_audited
from notifications.models import Notification
from response.models import StakeholderUpdate, TimelineStar

if TYPE_CHECKING:
    from accounts.models import User

WORK_PERMISSION = "incidents.change_incident"
SCRIBE_VERB = "scribe"
SYSTEM = "system"


@dataclass(frozen=True)
class Item:
    """One line of the merged timeline."""

    at: datetime
    """When it happened (a scribe entry's stated time; an alert's first sight)."""
    recorded_at: datetime
    """When the desk wrote it down."""
    source: str
    """``entry`` (the incident's timeline), ``alert``, ``alert_end``, ``change`` (a linked
    change's timeline), ``notification``."""
    id: str
    kind: str
    """The verb or what it is: ``resolve``, ``scribe``, ``work_note``, ``alert``, ``email``."""
    title: str
    body: str
    author: str
    starred: bool = False

    @property
    def key(self) -> str:
        """What stars name: ``entry:12``, ``alert:3``."""
        return f"{self.source}:{self.id}"

    def order(self) -> tuple[datetime, datetime, str, int, str]:
        number = int(self.id) if self.id.isdigit() else 0
        return (self.at, self.recorded_at, self.source, number, self.id)


# --- reading ------------------------------------------------------------------------------


def timeline_of(incident: Incident) -> list[Item]:
    """The merged timeline, oldest first: a fixed number of queries whatever its length."""
    stars = set(TimelineStar.objects.filter(incident=incident).values_list("key", flat=True))
    items = [
        *_entries(incident),
        *_alerts(incident),
        *_change_events(incident),
        *_notifications(incident),
    ]
    items = [replace(item, starred=True) if item.key in stars else item for item in items]
    return sorted(items, key=Item.order)


def starred_items(incident: Incident) -> list[Item]:
    """The starred items of the merged timeline, oldest first (what a postmortem lists)."""
    return [item for item in timeline_of(incident) if item.starred]


def _author(entry: TimelineEntry) -> str:
    return str(entry.author) if entry.author_id is not None else SYSTEM


def _entries(incident: Incident) -> list[Item]:
    entries = IncidentTimelineEntry.objects.filter(ticket=incident).select_related("author")
    items = []
    for entry in entries:
        at = entry.created_at
        if entry.verb == SCRIBE_VERB:
            at = parse_datetime(str(entry.data.get("at", ""))) or at
        kind = entry.verb if entry.kind == TimelineKind.EVENT else entry.kind
        items.append(
            Item(
                at=at,
                recorded_at=entry.created_at,
                source="entry",
                id=str(entry.pk),
                kind=kind,
                title=entry_title(incident, entry),
                body=entry.body,
                author=_author(entry),
            )
        )
    return items


def _alerts(incident: Incident) -> list[Item]:
    alerts = Alert.objects.filter(incident=incident).only(
        "id", "summary", "labels", "severity", "first_seen", "ends_at", "status"
    )
    items = []
    for alert in alerts.order_by("first_seen", "id"):
        items.append(
            Item(
                at=alert.first_seen,
                recorded_at=alert.first_seen,
                source="alert",
                id=str(alert.pk),
                kind="alert",
                title=f"Alert fired: {alert.name}",
                body=alert.summary if alert.summary != alert.name else "",
                author="monitoring",
            )
        )
        if alert.ends_at is not None:
            items.append(
                Item(
                    at=alert.ends_at,
                    recorded_at=alert.ends_at,
                    source="alert_end",
                    id=str(alert.pk),
                    kind="alert_resolved",
                    title=f"Alert resolved: {alert.name}",
                    body="",
                    author="monitoring",
                )
            )
    return items


def _change_events(incident: Incident) -> list[Item]:
    """The timelines of the changes linked to the incident (the one that caused it)."""
    entries = (
        ChangeTimelineEntry.objects.filter(ticket__incident_links__incident=incident)
        .select_related("ticket", "author")
        .order_by("created_at", "id")
    )
    return [
        Item(
            at=entry.created_at,
            recorded_at=entry.created_at,
            source="change",
            id=str(entry.pk),
            kind=entry.verb if entry.kind == TimelineKind.EVENT else entry.kind,
            title=f"{entry.ticket.number}: {entry_title(entry.ticket, entry)}",
            body=entry.body,
            author=_author(entry),
        )
        for entry in entries
    ]


def _notifications(incident: Incident) -> list[Item]:
    """What was sent about the incident: notices of its events, and the status page's
    mails to subscribers about its public updates."""
    prefix = f"{Incident._meta.label_lower}:{incident.pk}/"
    public = StakeholderUpdate.objects.filter(incident=incident, status_update__isnull=False)
    keys = [
        f"statuspage.statusupdate:{pk}" for pk in public.values_list("status_update_id", flat=True)
    ]
    rows = (
        Notification.objects.filter(Q(event_key__startswith=prefix) | Q(event_key__in=keys))
        .select_related("recipient", "endpoint")
        .only(
            "id",
            "channel",
            "kind",
            "subject",
            "created_at",
            "delivered_at",
            "address",
            "recipient__first_name",
            "recipient__last_name",
            "recipient__username",
            "endpoint__name",
        )
    )
    items = []
    for row in rows:
        to = row.recipient or row.endpoint or row.address or "?"
        sent = row.delivered_at is not None
        items.append(
            Item(
                at=row.delivered_at or row.created_at,
                recorded_at=row.created_at,
                source="notification",
                id=row.id.hex,
                kind=row.channel,
                title=f"{row.get_channel_display()} {'sent' if sent else 'queued'} to {to}",
                body=row.subject,
                author=SYSTEM,
            )
        )
    return items


# --- human words -----------------------------------------------------------------------------

ROLE_LABELS = {str(value): str(label).lower() for value, label in Role.choices}
FIXED_TITLES: dict[str, str] = {
    "created": "Logged",
    "updated": "Fields edited",
    "assigned": "Assignment changed",
    "attached": "Files added",
    "declare": "Declared a major incident",
    "undeclare": "No longer a major incident",
    "stakeholder_update": "Internal update to stakeholders",
    "stakeholder_added": "Stakeholder added",
    "stakeholder_removed": "Stakeholder removed",
    "update_overdue": "Stakeholder update overdue",
    SCRIBE_VERB: "Scribe entry",
    "paged": "On-call paged",
    "paging_exhausted": "Nobody acknowledged the page",
    "note": "Note",
    "sla_warning": "SLA warning",
    "sla_breach": "SLA breached",
    "sla_changed": "SLA target changed",
    "approved": "Approved",
    "rejected": "Rejected",
}


def entry_title(ticket: Ticket, entry: TimelineEntry) -> str:
    """What ``entry`` says, in a few words, for a person reading the timeline."""
    if entry.kind == TimelineKind.WORK_NOTE:
        return "Work note"
    if entry.kind == TimelineKind.COMMENT:
        return "Comment"
    data: dict[str, Any] = entry.data if isinstance(entry.data, dict) else {}
    verb = entry.verb
    special = _special_title(verb, data, ticket.number)
    if special:
        return special
    if verb in FIXED_TITLES:
        return FIXED_TITLES[verb]
    moves = type(ticket).moves
    if verb in moves.names():
        move = moves.get(verb)
        return (move.words or move.label).capitalize()
    return verb.replace("_", " ").capitalize() or "Event"


def _special_title(verb: str, data: dict[str, Any], number: str) -> str:
    if verb == "priority":
        return f"Priority P{data.get('from')} → P{data.get('to')}"
    if verb in ("role_assigned", "role_removed"):
        role = ROLE_LABELS.get(str(data.get("role")), str(data.get("role")))
        who = data.get("user_name") or data.get("user") or "someone"
        done = "is now" if verb == "role_assigned" else "is no longer"
        return f"{who} {done} {role}"
    if verb == "milestone":
        name = str(data.get("milestone", "")).replace("_", " ")
        return f"Milestone {name} set to {_when(data.get('to'))}"
    if verb == "caused_by_change":
        return f"Marked as caused by {data.get('change', 'a change')}"
    if verb == "caused_incident":
        return f"Marked as the cause of {data.get('incident', 'an incident')}"
    if verb == "status_update":
        return f"Public update ({data.get('phase', '')}): {data.get('public_title', '')}"
    if verb in ("linked_major", "unlinked_major"):
        # The same data on both timelines: the child's says which major incident, the
        # parent's which child.
        linked = verb == "linked_major"
        if data.get("child") == number:
            done = "Linked to" if linked else "Unlinked from"
            return f"{done} major incident {data.get('parent')}"
        return f"Child incident {data.get('child')} {'linked' if linked else 'unlinked'}"
    return ""


def _when(value: Any) -> str:
    """A stored ISO time as the timeline shows times: UTC to the second."""
    moment = parse_datetime(str(value)) if value else None
    if moment is None:
        return "nothing"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- writing ------------------------------------------------------------------------------------


def _may_write(incident: Incident, by: "User") -> None:
    """The scribe, the commander, or any agent working incidents."""
    if by.has_perm(WORK_PERMISSION):
        return
    holders = role_holders(incident)
    if any(by.pk == u.pk for role in (Role.SCRIBE, Role.COMMANDER) for u in holders.get(role, ())):
        return
    raise MoveForbidden(f"You may not write on {incident.number}'s timeline.")


def scribe_entry_add(
    incident: Incident, *, by: "User", at: datetime, body: str
) -> IncidentTimelineEntry:
    """Write down what happened at ``at`` ("14:02 rolled back deploy 4711"): an event on
    the incident's timeline, placed at ``at`` in the merged timeline."""
    _may_write(incident, by)
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not body:
        errors["body"] = ["Write what happened."]
    elif len(body) > 5000:
        errors["body"] = ["Keep it under 5000 characters."]
    if timezone.is_naive(at):
        errors["at"] = ["Give the time with its time zone."]
    elif at > timezone.now():
        errors["at"] = ["That is in the future: write down what has happened."]
    if errors:
        raise MoveInvalid(errors)
    with transaction.atomic():
        current = lock(incident)
        entry = record_event(
            current, by=by, verb=SCRIBE_VERB, body=body, data={"at": at.isoformat()}
        )
    assert isinstance(entry, IncidentTimelineEntry)
    return entry


def timeline_star(
    incident: Incident, *, by: "User", key: str, starred: bool = True
) -> TimelineStar | None:
    """Star (or unstar) the item ``key`` of the merged timeline; history keeps who did.
    Starring twice changes nothing; returns the star, or None once unstarred."""
    _may_write(incident, by)
    with transaction.atomic():
        current = lock(incident)
        existing = TimelineStar.objects.filter(incident=current, key=key).first()
        if not starred:
            if existing is not None:
                existing._history_user = by  # type: ignore[attr-defined]
                existing._change_reason = "Unstarred"  # type: ignore[attr-defined]
                existing.delete()
            return None
        if existing is not None:
            return existing
        if key not in {item.key for item in timeline_of(current)}:
            raise MoveInvalid({"key": [f"{current.number}'s timeline has no item {key!r}."]})
        star = TimelineStar(incident=current, key=key, starred_by=by)
        try:
            with transaction.atomic():
                save_audited(star, by=by, reason="Starred")
        except IntegrityError:  # the incident lock makes this a safety net only
            return TimelineStar.objects.get(incident=current, key=key)
        return star
