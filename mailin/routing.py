"""Which incident a mail answers, if any: first by the plus-address it was sent to, then
by the Message-IDs it replies to, then by an ``[INC0000123]`` tag in its subject."""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

from django.conf import settings

from incidents.models import Incident
from kernel.notices import NoticeKind
from mailin.models import DeskAddress, InboundMail, message_key
from mailin.senders import without_tag
from notifications.models import Notification

_NUMBER = r"INC\d{7,}"
_TAG = re.compile(rf"\[({_NUMBER})\]", re.IGNORECASE)
_PLUS = re.compile(rf"^[^@+]+\+({_NUMBER})@", re.IGNORECASE)
# No NUL inside: PostgreSQL refuses it in a query, and no Message-ID holds one.
_MESSAGE_IDS = re.compile(r"<([^<>\s\x00]+)>")
# Our notifications' Message-ID (notifications.channels.send_email).
_OURS = re.compile(r"^msg_([0-9a-f]{32})@", re.IGNORECASE)
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")
# A thread's References grow with every reply; a mail listing thousands is not worth reading.
MAX_REFERENCES = 100


@dataclass(frozen=True)
class Thread:
    incident: Incident
    how: str
    """How it was found, in words: the admin log shows it."""


def header_text(message: EmailMessage, name: str) -> str:
    """Every ``name`` header as one text; a malformed one is read as it stands."""
    values = []
    for value in message.get_all(name, failobj=[]):
        values.append(str(value))
    return ", ".join(values)


def recipients(message: EmailMessage) -> list[str]:
    pairs = getaddresses([header_text(message, name) for name in RECIPIENT_HEADERS])
    return [address.strip() for _, address in pairs if "@" in address]


def _by_number(number: str) -> Incident | None:
    return Incident.objects.filter(number=number.upper()).first()


def _by_plus_address(message: EmailMessage, own: frozenset[str]) -> Incident | None:
    for address in recipients(message):
        match = _PLUS.match(address)
        if match and without_tag(address) in own:
            found = _by_number(match.group(1))
            if found is not None:
                return found
    return None


def message_ids(message: EmailMessage) -> list[str]:
    text = header_text(message, "In-Reply-To") + " " + header_text(message, "References")
    # The newest reference is last in References: read from the end.
    found = list(dict.fromkeys(reversed(_MESSAGE_IDS.findall(text))))
    return found[:MAX_REFERENCES]


def _ours(message: EmailMessage) -> list[uuid.UUID]:
    """The ids of our notifications the mail answers."""
    return [
        uuid.UUID(match.group(1)) for mid in message_ids(message) if (match := _OURS.match(mid))
    ]


def answers_work_note(message: EmailMessage) -> bool:
    """Whether the mail answers the mail of a work note: an agent's reply to it is meant
    for the desk, and stays a work note however it threads."""
    ours = _ours(message)
    return (
        bool(ours) and Notification.objects.filter(pk__in=ours, kind=NoticeKind.WORK_NOTE).exists()
    )


def _by_references(message: EmailMessage) -> Incident | None:
    ids = message_ids(message)
    if not ids:
        return None
    ours = _ours(message)
    numbers = {
        str(row.payload.get("number", ""))
        for row in Notification.objects.filter(pk__in=ours).only("payload")
    }
    numbers.discard("")
    if numbers:
        found = Incident.objects.filter(number__in=numbers).order_by("-pk").first()
        if found is not None:
            return found
    earlier = (
        InboundMail.objects.filter(key__in=[message_key(f"<{mid}>") for mid in ids])
        .exclude(incident=None)
        .select_related("incident")
        .order_by("-pk")
        .first()
    )
    return earlier.incident if earlier is not None else None


def _by_subject(subject: str) -> Incident | None:
    match = _TAG.search(subject)
    return _by_number(match.group(1)) if match else None


def find_thread(message: EmailMessage, subject: str, *, own: frozenset[str]) -> Thread | None:
    """The incident the mail answers, the first way that finds one. ``own`` is
    ``OurAddresses.own``: a plus-address threads only on one of ours."""
    if (incident := _by_plus_address(message, own)) is not None:
        return Thread(incident, "plus-address")
    if (incident := _by_references(message)) is not None:
        return Thread(incident, "In-Reply-To/References")
    if (incident := _by_subject(subject)) is not None:
        return Thread(incident, "subject tag")
    return None


def desk_address_for(message: EmailMessage, desks: Mapping[str, DeskAddress]) -> DeskAddress | None:
    """The configured desk address the mail was sent to, for its service and group
    (``desks`` is ``OurAddresses.desks``)."""
    for address in recipients(message):
        desk = desks.get(without_tag(address))
        if desk is not None:
            return desk
    return None


def is_desk_address(address: str) -> bool:
    """``NOTIFICATIONS_REPLY_TO``, an active desk address, or a plus-address of either
    (``desk+INC0000123@example.com``), case-insensitively: the recipients the LMTP gateway
    takes mail for (it refuses any other)."""
    bare = without_tag(address)
    if bare == without_tag(settings.NOTIFICATIONS_REPLY_TO):
        return True
    return DeskAddress.objects.filter(address=bare, is_active=True).exists()
