"""Who a mail is from, and which addresses are the desk's own."""

from collections.abc import Mapping
from dataclasses import dataclass
from email.errors import InvalidHeaderDefect
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.crypto import get_random_string

from accounts.models import User
from mailin.models import DeskAddress


def header(message: EmailMessage, name: str) -> str:
    """A header as text; a malformed one (that the parser cannot decode) as it came.
    Without NUL characters (raw, or encoded as ``=?utf-8?b?AA==?=``): PostgreSQL refuses
    them in text, and the mail could not even be stored."""
    try:
        return str(message.get(name, "") or "").replace("\x00", "").strip()
    except Exception:  # a header the parser trips on is still readable raw
        for key, value in message.raw_items():
            if key.lower() == name.lower():
                return str(value).replace("\x00", "").strip()
    return ""


# RFC 5321's path limit; User.email holds no more.
ADDRESS_MAX = 254


def _usable(address: str) -> bool:
    # An address with a control character (NUL), or longer than any mailbox's, is no
    # one's, and no database column takes it.
    return "@" in address and address.isprintable() and len(address) <= ADDRESS_MAX


def sender_of(message: EmailMessage) -> Address | None:
    """The author: the one address of the one From header; None when there is none we
    can read without guessing. A From that parsers read differently is how a stranger
    passes as a caller: ``carl@example.com <evil@x.example>`` is carl to the standard
    library and evil to a DMARC check, so a malformed one (a parse defect), several From
    headers or several addresses in one give no sender (the mail is rejected, kept)."""
    if sum(1 for key in message if key.lower() == "from") != 1:
        return None
    try:
        field = message["From"]
        addresses = getattr(field, "addresses", None)
        defects = getattr(field, "defects", ())
    except Exception:  # a header the parser trips on: read below the way older readers do
        addresses, defects = None, ()
    if addresses is not None:
        if len(addresses) != 1 or any(isinstance(d, InvalidHeaderDefect) for d in defects):
            return None
        return addresses[0] if _usable(addresses[0].addr_spec) else None
    pairs = getaddresses([header(message, "From")])
    if len(pairs) != 1 or not _usable(pairs[0][1]):
        return None
    try:
        return Address(display_name=pairs[0][0], addr_spec=pairs[0][1])
    except Exception:  # an address the parser refuses
        return None


@dataclass(frozen=True)
class OurAddresses:
    """The desk's addresses as one mail reads them, from one query: what our own mail
    comes from or asks replies to, and the active desk addresses with their routing.
    ``NOTIFICATIONS_REPLY_TO`` is a desk address without a row (new incidents from it get
    no service or group of their own)."""

    own: frozenset[str]
    """Every address our own mail comes from or asks replies to, lower-cased."""
    desks: Mapping[str, DeskAddress]
    """The active configured desk addresses, by (lower-cased) address."""

    def is_own(self, address: str) -> bool:
        return without_tag(address) in self.own


def our_addresses() -> OurAddresses:
    """Read once per mail and handed down: the own-address check, plus-address threading
    and desk routing all need them."""
    rows = list(DeskAddress.objects.select_related("service", "assignment_group"))
    configured = (
        settings.DEFAULT_FROM_EMAIL,
        settings.NOTIFICATIONS_REPLY_TO,
        settings.SERVER_EMAIL,
    )
    own = {address.strip().lower() for address in configured if address}
    # An inactive desk address is still ours: mail from it can only be a loop.
    own.update(row.address.strip().lower() for row in rows)
    return OurAddresses(
        own=frozenset(own), desks={row.address: row for row in rows if row.is_active}
    )


def without_tag(address: str) -> str:
    """``desk+INC0000123@example.com`` -> ``desk@example.com`` (lower-cased)."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return address.strip().lower()
    return f"{local.split('+', 1)[0]}@{domain}"


def find_user(address: str) -> User | None:
    """The active account with this address, whatever its case (mail addresses are
    compared case-insensitively in practice, though RFC 5321 allows otherwise). With
    several, the oldest: stable from one mail to the next."""
    if not address:
        return None
    users = get_user_model().objects.filter(email__iexact=address.strip(), is_active=True)
    return users.order_by("pk").first()


def create_end_user(sender: Address) -> User:
    """An end user for an unknown sender (``MAIL_UNKNOWN_SENDERS = "create"``): no
    usable password (they sign in through a password reset if they ever want the portal),
    named from the From display name."""
    address = sender.addr_spec.strip()
    model = get_user_model()
    username = address.lower()[:150]
    while model.objects.filter(username__iexact=username).exists():
        username = f"{address.lower()[:140]}-{get_random_string(6).lower()}"
    name = "".join(char for char in sender.display_name or "" if char.isprintable())
    first, _, last = name.strip().partition(" ")
    user: User = model.objects.create_user(
        username=username,
        email=address,
        password=None,  # unusable
        first_name=first[:150],
        last_name=last.strip()[:150],
    )
    return user
