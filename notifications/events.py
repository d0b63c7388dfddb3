"""From a ticket's timeline entry to a notification event: who hears about it and the words
they get, as the app that recorded it declared in its notice (``kernel.notices``). Pure
reading; ``outbox`` writes the rows. Nothing here knows any app's verbs."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from kernel.notices import Audience, Notice

if TYPE_CHECKING:
    from kernel.models import Ticket, TimelineEntry


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


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def ticket_url(ticket: "Ticket") -> str:
    meta = ticket._meta
    try:
        path = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[ticket.pk])
    except NoReverseMatch:
        path = "/admin/"
    return _absolute(path)


def portal_url(ticket: "Ticket") -> str:
    """The ticket's page for recipients who are not staff (they cannot open the admin),
    as its type gives it, or "" when it has none."""
    try:
        path = ticket.portal_path()
    except NoReverseMatch:
        return ""
    return _absolute(path) if path else ""


# --- audiences -----------------------------------------------------------------------------


type Ids = set[int] | QuerySet[Any, int]
"""An audience: ids known already, or a query for them (all of one event's queries are
sent as one ``UNION``)."""


def _ids(*values: int | None) -> set[int]:
    return {pk for pk in values if pk is not None}


def _group(ticket: "Ticket") -> Ids:
    from catalog.models import Team

    if ticket.assignment_group_id is None:
        return set()
    members = Team.members.through.objects.filter(team_id=ticket.assignment_group_id)
    return members.values_list("user_id", flat=True)


def _watchers(ticket: "Ticket") -> Ids:
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Watch

    content_type = ContentType.objects.get_for_model(ticket)
    watches = Watch.objects.filter(content_type=content_type, object_id=ticket.pk)
    return watches.values_list("user_id", flat=True)


def _subscribers(ticket: "Ticket") -> Ids:
    from notifications.models import ServiceSubscription

    if ticket.service_id is None:
        return set()
    subs = ServiceSubscription.objects.filter(service_id=ticket.service_id)
    return subs.values_list("user_id", flat=True)


def _manager(ticket: "Ticket") -> Ids:
    from catalog.models import Team

    if ticket.assignment_group_id is None:
        return set()
    teams = Team.objects.filter(pk=ticket.assignment_group_id, manager__isnull=False)
    return teams.values_list("manager_id", flat=True)


AUDIENCES: dict[Audience, Callable[["Ticket"], Ids]] = {
    Audience.REQUESTER: lambda ticket: _ids(ticket.requester_id),
    Audience.ASSIGNEE: lambda ticket: _ids(ticket.assigned_to_id),
    Audience.GROUP: _group,
    Audience.ASSIGNEE_OR_GROUP: lambda ticket: _ids(ticket.assigned_to_id) or _group(ticket),
    Audience.WATCHERS: _watchers,
    Audience.SUBSCRIBERS: _subscribers,
    Audience.MANAGER: _manager,
}


def recipients(ticket: "Ticket", notice: Notice) -> set[int]:
    """Who ``notice`` tells about ``ticket``: the ids it names or knows, and the rest read
    in one query whatever the number of audiences (an event is written on every move)."""
    who = set(notice.named)
    queries: list[QuerySet[Any, int]] = []
    for member in sorted(notice.audience):  # sorted: the same query every time
        found = AUDIENCES[member](ticket)
        if isinstance(found, set):
            who |= found
        else:
            queries.append(found.order_by())
    if queries:
        first, *rest = queries
        who.update(first.union(*rest) if rest else first)
    return who


# --- the event -----------------------------------------------------------------------------


def event_for(ticket: "Ticket", entry: "TimelineEntry") -> Event | None:
    """The event of ``entry``, or None when its notice tells nobody (or it has none)."""
    notice = entry.notice
    if notice is None:
        return None
    meta = ticket._meta
    key = f"{meta.label_lower}:{ticket.pk}/{entry.pk}"
    common = {
        "model": meta.model_name,
        "number": ticket.number,
        "verb": entry.verb,
        "timestamp": entry.created_at.isoformat(),
    }
    if notice.public is not None:
        return Event(
            key=key,
            kind=notice.kind,
            subject=notice.public.subject,
            body=entry.body,
            url=notice.public.url,
            user_ids=frozenset(),
            team_id=ticket.assignment_group_id,
            data={**common, **notice.public.data},
        )
    who = recipients(ticket, notice)
    if entry.author_id is not None and not notice.tells_author:
        who.discard(entry.author_id)  # nobody needs to hear about what they just did
    status = getattr(ticket, "get_status_display", lambda: "")()
    facts = [[label, value] for label, value in ticket.notice_facts()]
    return Event(
        key=key,
        kind=notice.kind,
        subject=f"[{ticket.number}] {ticket.title}: {notice.words}",
        body=entry.body,
        url=ticket_url(ticket),
        public_url=portal_url(ticket),
        user_ids=frozenset(who),
        team_id=ticket.assignment_group_id,
        public=entry.is_public,
        data={
            "model": common["model"],
            "number": ticket.number,
            "title": ticket.title,
            "status": status,
            "priority": ticket.priority,
            "verb": entry.verb,
            "actor": str(entry.author) if entry.author_id else None,
            "timestamp": common["timestamp"],
            # Lines the ticket type adds (a major incident's roles and war room).
            **({"facts": facts} if facts else {}),
            # What the notice shows besides (a link to act on, a booked window).
            **{k: v for k, v in entry.data.items() if k in notice.shows},
        },
    )
