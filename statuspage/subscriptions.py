"""Subscribing by email: double opt-in and one-click unsubscribe. Adapters (the public
views) call these; each writes with a history row."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from catalog.models import Service
from kernel.workflow import save_audited
from notifications.enums import EventKind
from notifications.events import Event
from notifications.outbox import Address, notify_addresses
from statuspage.links import absolute, address_key
from statuspage.models import Subscriber


def normalize_email(email: str) -> str:
    # Lower-cased whole: providers treat the local part case-insensitively in practice,
    # and one row per person is what keeps re-subscribing from making duplicates.
    return email.strip().lower()


def subscriber_request(email: str, *, services: Iterable[Service] = ()) -> Subscriber:
    """Someone asks for updates: find or make the (unconfirmed) row and mail a link to
    confirm. Whatever the address's state, the same happens, so the answer reveals
    nothing about who is subscribed; only the mailbox's owner can act on the link."""
    email = normalize_email(email)
    service_ids = sorted({service.pk for service in services})
    with transaction.atomic():
        try:
            with transaction.atomic():
                subscriber, _ = Subscriber.objects.get_or_create(email=email)
        except IntegrityError:  # the same address, subscribing twice at once
            subscriber = Subscriber.objects.get(email=email)
        # Each request is its own event: asking again mails a fresh link.
        event = Event(
            key=f"statuspage.subscriber:{subscriber.pk}/confirm/{uuid.uuid4().hex}",
            kind=EventKind.STATUS_SUBSCRIPTION,
            subject=f"Confirm your subscription to {settings.STATUS_PAGE_NAME}",
            body=f"Someone (we hope you) asked for email updates from {settings.STATUS_PAGE_NAME}.",
            # The confirm link acts for the mailbox's owner: it is built when the mail is
            # sent (statuspage.links.confirm_link), from the services chosen here.
            url=absolute(reverse("statuspage:status")),
            user_ids=frozenset(),
            team_id=None,
            data={"page": settings.STATUS_PAGE_NAME, "services": service_ids},
        )
        notify_addresses(event, [Address(address_key(subscriber), subscriber.email)])
    return subscriber


def subscriber_confirm(subscriber: Subscriber, *, service_ids: Iterable[int]) -> Subscriber:
    """The owner of the mailbox confirms: updates start (again), for the services asked."""
    with transaction.atomic():
        current = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        current.confirmed_at = current.confirmed_at or timezone.now()
        current.unsubscribed_at = None
        save_audited(current, by=None, reason="Confirmed")
        current.services.set(
            Service.objects.filter(pk__in=list(service_ids), is_public=True, is_active=True)
        )
    return current


def subscriber_unsubscribe(subscriber: Subscriber) -> Subscriber:
    """Stop every update at once; unsubscribing twice changes nothing."""
    with transaction.atomic():
        current = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if current.unsubscribed_at is None:
            current.unsubscribed_at = timezone.now()
            save_audited(current, by=None, reason="Unsubscribed")
    return current
