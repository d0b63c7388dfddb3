"""Who may open an incident by mail, and what a refused unknown sender hears
(docs/mail.md#rate-limit, #unknown-senders): ``mail_process`` asks before it opens one."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from kernel.notices import NoticeKind
from mailin.models import InboundMail, MailStatus, Outcome
from mailin.senders import without_tag
from notifications.events import Event
from notifications.outbox import Address as Recipient
from notifications.outbox import notify_addresses


def over_rate_limit(address: str) -> str:
    """Why the sender may not open another incident now, or ""."""
    limit = settings.MAIL_RATE_LIMIT_PER_HOUR
    mailbox = without_tag(address)
    if connection.vendor == "postgresql":
        # Two of one sender's mails processed at once (both routes, two pollers) must
        # not both pass the count: they queue on a lock named after the sender. (SQLite
        # writes one transaction at a time: its IMMEDIATE transactions already queue.)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["mailin:" + mailbox])
    opened = _recent_from(mailbox).filter(outcome__in=(Outcome.CREATED, Outcome.FOLLOW_UP)).count()
    if opened < limit:
        return ""
    return (
        f"Rate limit: {address} opened {opened} incidents by mail in the last hour "
        f"(at most {limit})."
    )


def _recent_from(mailbox: str) -> "QuerySet[InboundMail]":
    """The last hour's processed mail from ``mailbox`` and its plus-addresses: a sender
    writing as ``bob+1@``, ``bob+2@``... is one sender (``mailbox`` is ``without_tag``'s)."""
    local, _, domain = mailbox.rpartition("@")
    return InboundMail.objects.filter(
        Q(from_address=mailbox)
        | Q(from_address__startswith=f"{local}+", from_address__endswith=f"@{domain}"),
        processed_at__gte=timezone.now() - timedelta(hours=1),
    )


def refused_lately(address: str) -> str:
    """Why an unknown sender gets no refusal now ("" if they may): one an hour."""
    answered = _recent_from(without_tag(address)).filter(status=MailStatus.REJECTED, replied=True)
    if answered.exists():
        return "this address was answered within the hour"
    return ""


def refuse(current: InboundMail, address: str) -> bool:
    """The polite auto-reply to an unknown sender, through the outbox (retried like any
    notification); our outgoing mail says it is automatic, so it draws no answer."""
    body = (
        "Thank you for your mail. The service desk takes mail only from people with an "
        "account, and we found none for this address, so nothing was recorded.\n\n"
        "Please report the problem through the self-service portal, or ask your IT "
        "contact to give you an account."
    )
    event = Event(
        key=f"mailin.inboundmail:{current.pk}",
        kind=NoticeKind.MAIL_REFUSED,
        # Nothing of the sender's: the From may be forged, and a stranger's subject would
        # reach its owner from our server (backscatter spam).
        subject="Your mail to the service desk was not recorded",
        body=body,
        url="",
        user_ids=frozenset(),
        team_id=None,
    )
    return bool(notify_addresses(event, [Recipient(key=f"mail:{current.pk}", email=address)]))
