"""Writing the outbox and handing rows to the broker.

``notify`` runs inside the transaction of the change (through the ``kernel.events`` hook),
so a notification exists exactly when its cause does. Handing rows to Celery happens after
commit; when the broker is down the rows simply wait for the relay. Nothing is ever handed
over for later: a retry waits in the database (``next_attempt_at``) until the relay finds
it due, so no worker holds a countdown message that a broker outage could take with it.

The hand-off itself is the tasks module's (``set_publisher``, called by
``notifications.wiring``): this module never imports Celery tasks.
"""

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from kernel import events
from notifications.enums import Channel, DeliveryStatus
from notifications.events import Event, event_for
from notifications.models import (
    ADDRESS_PREFIX,
    RECIPIENT_KEY_MAX,
    Endpoint,
    Notification,
    Preference,
    QuietHours,
)

if TYPE_CHECKING:
    from kernel.models import Ticket, TimelineEntry

logger = logging.getLogger(__name__)

# After a failed publish, skip the broker for this long: a request that caused ten
# notifications should not wait for ten connection failures.
BROKER_BACKOFF_SECONDS = 5.0
_broker_down_until = 0.0

type Publish = Callable[[list[str]], None]
"""Hand a batch of row ids to the broker (one message), to run now. Raises when the broker
does not take it."""

# Rows per message. The rows of one commit (an event's recipients) go as one message;
# a larger hand-over (the relay after an outage) is split so that every worker gets a
# share, and a batch stays well within its lease.
BATCH_SIZE = 50

_publish: Publish | None = None


def set_publisher(publish: Publish) -> None:
    global _publish
    _publish = publish


def _publisher() -> Publish:
    if _publish is None:
        # A bug, not an outage: treating it as "broker down" would hide it behind the relay.
        raise ImproperlyConfigured("notifications.wiring.connect() has not run")
    return _publish


def handle_ticket_event(ticket: "Ticket", entry: "TimelineEntry") -> None:
    """The ``kernel.events`` handler: an outbox row per channel and recipient."""
    event = event_for(ticket, entry)
    if event is not None:
        notify(event)


def notify(event: Event, *, now: datetime | None = None) -> list[Notification]:
    """Write the event's notifications and queue their delivery for after commit. A mail
    to someone whose preference for the kind respects their quiet hours, written inside
    them, waits in the outbox until they end (``next_attempt_at``; the relay sends it)."""
    now = now or timezone.now()
    # The recipients with their preference for this kind of event and their quiet hours,
    # in one query.
    prefs = Preference.objects.filter(user=OuterRef("pk"), kind=event.kind)
    users = (
        get_user_model()
        .objects.filter(pk__in=event.user_ids, is_active=True)
        .annotate(
            wants_email=Subquery(prefs.values("email")[:1]),
            wants_inbox=Subquery(prefs.values("inbox")[:1]),
            respects_quiet=Subquery(prefs.values("respect_quiet_hours")[:1]),
        )
        .select_related("quiet_hours")
        .only("pk", "email", "is_staff", *QUIET_FIELDS)
    )
    common = {
        "event_key": event.key,
        "kind": event.kind,
        "subject": event.subject[:300],
        "url": event.url,
        "created_at": now,
        "next_attempt_at": now,
        "enqueued_at": now,
    }
    rows: list[Notification] = []
    for user in users if event.user_ids else ():
        wants_email, wants_inbox = user.wants_email, user.wants_inbox
        body = event.body if event.public or user.is_staff else ""
        if user.email and wants_email is not False:
            # A caller cannot open the admin: their link goes to the portal's page.
            url = event.url if user.is_staff or not event.public_url else event.public_url
            held_until = _quiet_until(user, now)
            held = {"next_attempt_at": held_until, "enqueued_at": None} if held_until else {}
            rows.append(
                Notification(
                    channel=Channel.EMAIL,
                    recipient=user,
                    recipient_key=f"user:{user.pk}",
                    body=body,
                    payload=event.data if user.is_staff else _for_requesters(event.data),
                    **{**common, "url": url, **held},
                )
            )
        # The inbox lives in the admin, so only staff have one. Writing the row delivers it.
        if user.is_staff and wants_inbox is not False:
            rows.append(
                Notification(
                    channel=Channel.INBOX,
                    recipient=user,
                    recipient_key=f"user:{user.pk}",
                    body=body,
                    payload=event.data,
                    status=DeliveryStatus.DELIVERED,
                    delivered_at=now,
                    **common,
                )
            )
    endpoints = Endpoint.objects.filter(is_active=True).filter(
        Q(team__isnull=True) | Q(team_id=event.team_id)
    )
    for endpoint in endpoints:
        if endpoint.wants(event.kind):
            rows.append(
                Notification(
                    channel=Channel.WEBHOOK,
                    endpoint=endpoint,
                    recipient_key=f"endpoint:{endpoint.pk}",
                    body=event.body if event.public else "",
                    payload=event.payload(),
                    **common,
                )
            )
    return _write(rows)


QUIET_FIELDS = tuple(f"quiet_hours__{name}" for name in ("start", "end", "time_zone", "weekends"))


def _quiet_until(user: Any, now: datetime) -> datetime | None:
    """When a mail to ``user`` written ``now`` may go: the end of their quiet hours when
    they are in them and their preference for this kind says to respect them."""
    if not user.respects_quiet:
        return None  # the default: mail at once, whatever the hour
    try:
        quiet: QuietHours = user.quiet_hours
    except QuietHours.DoesNotExist:
        return None
    return quiet.until(now)


def _for_requesters(data: dict[str, Any]) -> dict[str, Any]:
    """What a caller's mail may show: not the lines the ticket type adds for the desk (a
    major incident's roles and war room, ``Ticket.notice_facts``)."""
    return {key: value for key, value in data.items() if key != "facts"}


@dataclass(frozen=True)
class Address:
    """A recipient who is not a user: a status page subscriber, say."""

    key: str
    """Who it is, stable across events (``subscriber:12``): the outbox sends an event once
    per key, so an address handled twice gets one mail. It is also what the app's personal
    link (``kernel.notices``) gets as ``Recipient.address_key`` when the mail is sent: a
    link that acts for the address (confirm, unsubscribe) is built then, never stored."""
    email: str

    def __post_init__(self) -> None:
        if len(ADDRESS_PREFIX + self.key) > RECIPIENT_KEY_MAX:
            # Cut short, it would name someone else (or no one) when the link is built.
            raise ValueError(f"Address key too long: {self.key!r}")


def notify_addresses(event: Event, addresses: Iterable[Address]) -> list[Notification]:
    """Write one email row per address for ``event`` and queue delivery after commit: the
    same outbox, retries and relay as ``notify``, for people who have no account. Nothing
    while ``kernel.events.muted()``, like everything the hook would tell."""
    if events.is_muted():
        return []
    now = timezone.now()
    rows = [
        Notification(
            event_key=event.key,
            kind=event.kind,
            channel=Channel.EMAIL,
            address=address.email,
            recipient_key=ADDRESS_PREFIX + address.key,
            subject=event.subject[:300],
            body=event.body,
            url=event.url,
            payload=event.data,
            created_at=now,
            enqueued_at=now,
        )
        for address in addresses
        if address.email
    ]
    return _write(rows)


def _write(rows: list[Notification]) -> list[Notification]:
    # A row that exists already (the same event handled twice) is kept, not duplicated.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # Rows held for later (quiet hours) are not with the broker: the relay sends them
    # once due.
    pending = [
        row.pk
        for row in rows
        if row.status == DeliveryStatus.PENDING and row.enqueued_at is not None
    ]
    if pending:
        transaction.on_commit(partial(enqueue, pending))
    return rows


def enqueue(ids: Sequence[UUID]) -> int:
    """Hand rows that are due to Celery, in messages of up to ``BATCH_SIZE`` ids; returns
    how many rows were handed. Never raises (unless the app is not wired): a row the broker
    did not take is left for the relay (``enqueued_at`` cleared so it picks it up soon)."""
    global _broker_down_until

    if not ids:
        return 0
    if time.monotonic() < _broker_down_until:
        _leave_for_relay(ids)
        return 0
    publish = _publisher()
    sent = 0
    try:
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            publish([str(pk) for pk in batch])
            sent += len(batch)
    except Exception:
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning("Broker unreachable: %d notifications left for the relay", len(ids) - sent)
        _leave_for_relay(ids[sent:])
    return sent


def _leave_for_relay(ids: Sequence[UUID]) -> None:
    try:
        Notification.objects.filter(pk__in=ids).update(enqueued_at=None)
    except Exception:
        # Even this may fail (the database is what failed); the relay still finds the rows,
        # only after NOTIFICATIONS_REDELIVER_AFTER instead of at once.
        logger.exception("Could not mark notifications for the relay")
