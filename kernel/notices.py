"""What an event tells people: the kind of notice, its words and who hears it.

The app that records an event declares its notice (a move in its ``Move`` entry, any other
event where it calls ``record_event``); ``notifications`` resolves the audience and sends
it without knowing any app's verbs. An event without a notice tells nobody.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from django.db import models


class NoticeKind(models.TextChoices):
    """What happened, as people choose channels for it and webhooks filter on it."""

    CREATED = "created", "Incident created"
    ASSIGNED = "assigned", "Assigned or reassigned"
    PRIORITY_RAISED = "priority_raised", "Priority raised"
    STATE_CHANGED = "state_changed", "State changed"
    COMMENT = "comment", "Comment added"
    WORK_NOTE = "work_note", "Work note added"
    ESCALATED = "escalated", "Escalated to the manager"
    PAGE = "page", "On-call page"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breached"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested"
    CHANGE_SCHEDULED = "change_scheduled", "Change scheduled"
    STATUS_UPDATE = "status_update", "Status page update"
    STATUS_SUBSCRIPTION = "status_subscription", "Status page subscription"
    MAJOR_INCIDENT = "major_incident", "Major incident declared or undeclared"
    ROLE_ASSIGNED = "role_assigned", "Major incident role assigned"
    STAKEHOLDER_UPDATE = "stakeholder_update", "Stakeholder update"
    UPDATE_DUE = "update_due", "Stakeholder update overdue"
    POSTMORTEM_REVIEW = "postmortem_review", "Postmortem review"
    ACTION_ITEM_DUE = "action_item_due", "Action item overdue"
    MAIL_REFUSED = "mail_refused", "Inbound mail refused"


class Audience(StrEnum):
    """Who, relative to the ticket, hears a notice."""

    REQUESTER = "requester"
    """The ticket's requester (an incident's caller, a change's requester)."""
    ASSIGNEE = "assignee"
    GROUP = "group"
    """Every member of the assignment group."""
    ASSIGNEE_OR_GROUP = "assignee_or_group"
    """The assignee, else the whole group: the queue is everyone's until someone takes it."""
    WATCHERS = "watchers"
    SUBSCRIBERS = "subscribers"
    """People subscribed to the ticket's service."""
    MANAGER = "manager"
    """The assignment group's manager."""


def audience(*members: Audience) -> frozenset[Audience]:
    return frozenset(members)


# Who hears that a ticket moved, unless its move says otherwise.
MOVE_AUDIENCE = audience(Audience.REQUESTER, Audience.ASSIGNEE, Audience.WATCHERS)


@dataclass(frozen=True)
class Notice:
    """One event's notice. ``words`` say what happened, in the past tense, after the
    ticket's number and title in a subject ("resolved", "escalated to Network")."""

    kind: str
    words: str
    audience: frozenset[Audience] = frozenset()
    named: frozenset[int] = frozenset()
    """Users told by name besides the audience (the approvers asked, the person paged)."""
    shows: tuple[str, ...] = ()
    """Keys of the event's data the message carries (a page's level). Never a secret: the
    data is stored on the timeline and sent to webhooks; a link that acts for its recipient
    is a ``personal link``, built when that recipient's message is rendered."""
    public: "PublicNotice | None" = None
    """Set for a notice meant for the public (a status-page update): only these words."""
    tells_author: bool = False
    """Whether the person who caused the event hears of it too. Usually not (they know
    what they just did); a mail's sender does: the acknowledgement is their only way to
    learn the number of the incident their mail opened."""

    def naming(self, users: Iterable[int | None]) -> "Notice":
        """The same notice, told to ``users`` by name too."""
        return replace(self, named=frozenset(pk for pk in users if pk is not None))

    def worded(self, words: str) -> "Notice":
        return replace(self, words=words)


@dataclass(frozen=True)
class PublicNotice:
    """A notice for the public: its own subject and page, and only ``data`` (never the
    ticket's internal title, priority or people)."""

    subject: str
    url: str
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionLink:
    """A link that acts for the one person it was made for (a page's signed acknowledge
    link, a subscriber's confirm or unsubscribe link): shown in that person's message
    only, never stored."""

    label: str
    url: str
    unsubscribe: bool = False
    """A one-click unsubscribe link (RFC 8058): the mail carries it in its
    ``List-Unsubscribe`` headers and its footer rather than as a button."""


@dataclass(frozen=True)
class Recipient:
    """Whom one message is for, as the outbox knows them: a user, or someone without an
    account, named by the app that wrote to them (``address_key``: ``subscriber:12``)."""

    user_id: int | None = None
    address_key: str = ""


type PersonalLink = Callable[[Mapping[str, Any], Recipient], ActionLink | None]
"""Builds the action link of a notice for one recipient from what the notice shows (its
data) and who the recipient is; None when that recipient gets none."""

_personal_links: dict[str, PersonalLink] = {}


def register_personal_link(kind: str, make: PersonalLink) -> None:
    """Notices of ``kind`` carry the link ``make`` builds for their recipient. Called from
    an app's ``wiring``; idempotent."""
    _personal_links[kind] = make


def personal_link(kind: str, data: Mapping[str, Any], recipient: Recipient) -> ActionLink | None:
    """The action link a notice of ``kind`` carries for ``recipient``, built now (links
    expire, and a stored one would be readable by whoever reads the store)."""
    make = _personal_links.get(kind)
    if make is None or (recipient.user_id is None and not recipient.address_key):
        return None
    return make(data, recipient)


@dataclass(frozen=True)
class ReferenceLink:
    """A link a notice carries for everyone who gets it, to read before acting (a paged
    incident's runbook): built when the message is rendered, from what the notice shows,
    so it names what is current then and is never stored."""

    label: str
    url: str


type ReferenceLinks = Callable[[Mapping[str, Any]], Iterable[ReferenceLink]]
"""Builds the reference links of one notice from its data (``model``, ``number``, what it
shows); empty when it has none."""

_reference_links: dict[str, list[ReferenceLinks]] = {}


def register_reference_links(kind: str, make: ReferenceLinks) -> None:
    """Notices of ``kind`` carry the links ``make`` builds. Called from an app's
    ``wiring``; idempotent."""
    registered = _reference_links.setdefault(kind, [])
    if make not in registered:
        registered.append(make)


def reference_links(kind: str, data: Mapping[str, Any]) -> list[ReferenceLink]:
    """The reference links of a notice of ``kind``, in the order their apps registered."""
    return [link for make in _reference_links.get(kind, ()) for link in make(data)]
