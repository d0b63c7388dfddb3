"""The signed links in subscribers' mail. Each carries the subscriber's random token, so
a new token voids every link already sent; none carries anything a guess could forge.

They act for the subscriber, so they are built only when that subscriber's mail is sent
(``confirm_link``, ``unsubscribe_link``: personal links, ``statuspage.wiring``) and stored
nowhere: not in the notification row, which every agent reads in the delivery log."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from kernel.notices import ActionLink, Recipient
from statuspage.models import Subscriber

CONFIRM_SALT = "statuspage.confirm"
UNSUBSCRIBE_SALT = "statuspage.unsubscribe"
# Long enough for a mail that sat in a queue over a weekend, short enough that an old
# mail found later does not subscribe anyone.
CONFIRM_MAX_AGE = timedelta(days=7)


class BadLink(Exception):
    """Forged, altered, expired, or for a subscriber that is gone."""


@dataclass(frozen=True)
class Confirmation:
    subscriber: Subscriber
    service_ids: list[int]
    """The services asked for when subscribing (empty: all). They travel in the link, so
    a stranger re-subscribing someone's address cannot change what that person gets."""


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(subscriber: Subscriber, service_ids: list[int]) -> str:
    token = signing.dumps(
        {"s": subscriber.pk, "t": subscriber.token, "v": sorted(service_ids)}, salt=CONFIRM_SALT
    )
    return absolute(reverse("statuspage:confirm", args=[token]))


def unsubscribe_url(subscriber: Subscriber) -> str:
    token = signing.dumps({"s": subscriber.pk, "t": subscriber.token}, salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("statuspage:unsubscribe", args=[token]))


ADDRESS_PREFIX = "subscriber:"


def address_key(subscriber: Subscriber) -> str:
    """The subscriber as the outbox knows them (``notifications.outbox.Address.key``)."""
    return f"{ADDRESS_PREFIX}{subscriber.pk}"


def _subscriber(recipient: Recipient) -> Subscriber | None:
    pk = recipient.address_key.removeprefix(ADDRESS_PREFIX)
    if not recipient.address_key.startswith(ADDRESS_PREFIX) or not pk.isdigit():
        return None
    return Subscriber.objects.filter(pk=int(pk)).first()


def confirm_link(data: Mapping[str, Any], recipient: Recipient) -> ActionLink | None:
    """The confirmation mail's link, for the subscriber it is sent to: the services they
    chose are in the mail's data (not a secret), the signature is made now."""
    subscriber = _subscriber(recipient)
    services = data.get("services", [])
    if subscriber is None or not isinstance(services, list):
        return None
    ids = [pk for pk in services if isinstance(pk, int)]
    url = confirm_url(subscriber, ids)
    return ActionLink("Confirm your subscription (the page asks you to press a button)", url)


def unsubscribe_link(data: Mapping[str, Any], recipient: Recipient) -> ActionLink | None:
    """An update mail's one-click unsubscribe link, for the subscriber it is sent to."""
    subscriber = _subscriber(recipient)
    if subscriber is None:
        return None
    return ActionLink("Unsubscribe", unsubscribe_url(subscriber), unsubscribe=True)


def _load(
    token: str, salt: str, max_age: timedelta | None = None
) -> tuple[Subscriber, dict[str, Any]]:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
        subscriber = Subscriber.objects.get(pk=value["s"], token=value["t"])
    except (signing.BadSignature, Subscriber.DoesNotExist, KeyError, TypeError) as exc:
        raise BadLink(str(exc)) from exc
    return subscriber, value


def read_confirm(token: str) -> Confirmation:
    subscriber, value = _load(token, CONFIRM_SALT, CONFIRM_MAX_AGE)
    services = value.get("v", [])
    if not isinstance(services, list) or not all(isinstance(pk, int) for pk in services):
        raise BadLink("bad services")
    return Confirmation(subscriber, services)


def read_unsubscribe(token: str) -> Subscriber:
    return _load(token, UNSUBSCRIBE_SALT)[0]
