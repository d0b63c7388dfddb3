"""The one way mail comes in: ``mail_receive(raw, via=...)``. The IMAP poller
(``mailin.imap``) and the LMTP gateway (``mailin.lmtp``) both call it."""

import email
import email.policy
import hashlib
from email.message import EmailMessage

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from mailin.models import InboundMail, MailStatus, message_key
from mailin.process import mail_process
from mailin.senders import header, sender_of


def _key(message_id: str, raw: bytes) -> str:
    return message_key(message_id) or hashlib.sha256(b"raw:" + raw).hexdigest()


def mail_too_big(headers: bytes, *, via: str, size: int, kept_in: str) -> InboundMail:
    """Record a mail too big to take (over ``MAIL_MAX_BYTES``) from its ``headers`` alone:
    the log shows who sent what and where the whole mail waits (``kept_in``), and nothing
    is processed. Idempotent like ``mail_receive``."""
    message = email.message_from_bytes(headers, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    message_id = header(message, "Message-ID")[:998]
    key = _key(message_id, headers)
    megabytes = 1024 * 1024
    reason = (
        f"The mail is {size / megabytes:.1f} MB, over the limit of "
        f"{settings.MAIL_MAX_BYTES / megabytes:.1f} MB (MAIL_MAX_BYTES): not taken. "
        f"It is kept in {kept_in}; only its headers are here."
    )
    sender = sender_of(message)
    with transaction.atomic():
        inbound, created = InboundMail.objects.get_or_create(
            key=key,
            defaults={
                "message_id": message_id,
                "size": size,
                "via": via,
                "complete": False,
                "status": MailStatus.REJECTED,
                "reason": reason,
                "processed_at": timezone.now(),
                "from_address": sender.addr_spec.lower()[:320] if sender else "",
                "subject": header(message, "Subject")[:300],
            },
        )
        if created:
            inbound.raw.save("headers.eml", ContentFile(headers))
    return inbound


def mail_receive(raw: bytes, *, via: str) -> InboundMail:
    """Store ``raw`` once (idempotent by Message-ID, else by a hash of the bytes) and
    process it. Returns after its transaction committed: a caller (the IMAP poller, the
    LMTP gateway) may then acknowledge the mail to its sender. Raises only when the
    database cannot take it, so the caller leaves the mail where it is and tries later."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    message_id = header(message, "Message-ID")[:998]
    key = _key(message_id, raw)
    inbound = InboundMail.objects.filter(key=key).first()
    if inbound is None:
        new = None
        try:
            with transaction.atomic():
                sender = sender_of(message)
                inbound = new = InboundMail(
                    key=key,
                    message_id=message_id,
                    size=len(raw),
                    via=via,
                    # Shown in the admin's log even if processing fails.
                    from_address=sender.addr_spec.lower()[:320] if sender else "",
                    subject=header(message, "Subject")[:300],
                )
                inbound.raw.save("mail.eml", ContentFile(raw), save=False)
                inbound.save()
        except IntegrityError:
            # Delivered by the other route at the same moment: that row is the mail, and
            # the copy just written is nobody's.
            if new is not None:
                new.raw.delete(save=False)
            inbound = InboundMail.objects.get(key=key)
    if inbound.status == MailStatus.RECEIVED:
        inbound = mail_process(inbound)
    return inbound
