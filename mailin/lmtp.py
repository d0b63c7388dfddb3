"""The LMTP route in: a mail server delivers to us directly (docs/mail.md#receiving).

``manage.py mail_gateway`` runs it on aiosmtpd, LMTP by default (SMTP as an option). A mail
is accepted (250) only once ``mail_receive`` has returned, its row committed; while the
database cannot take it the answer is 451 and the mail server keeps it queued and tries
again. Recipients that are not desk addresses are refused (550) before the data is sent."""

import logging
from collections.abc import Awaitable, Callable
from email.utils import quote
from typing import AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.db import DatabaseError, close_old_connections

from mailin.models import Via
from mailin.receive import mail_receive
from mailin.routing import is_desk_address

logger = logging.getLogger(__name__)

ACCEPTED = "250 2.0.0 Delivered to the service desk"
TRY_LATER = "451 4.3.0 The service desk cannot take mail right now, try again later"
NOT_OURS = "550 5.1.1 <{}>: not a service desk address"
# aiosmtpd's own answers to DATA that it refuses before our handler sees it.
_DATA_REFUSALS = ("552 Error: Too much mail data", "500 Line too long")


def _in_django[**P, R](function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run ``function`` in the one thread that holds the database connection, dropping a
    broken one first and after, as Django does around a request: the gateway runs for
    months, across database restarts."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            close_old_connections()

    return sync_to_async(call, thread_sensitive=True)


def delivery_headers(envelope: Envelope) -> bytes:
    """What a final delivery adds (RFC 5321 4.4, as Dovecot and Postfix's local do): the
    envelope sender as ``Return-Path`` (empty for a bounce, which the loop rules read) and
    each recipient as ``Delivered-To`` (a Bcc to a plus-address shows nowhere else)."""
    lines = [f"Return-Path: <{quote(envelope.mail_from or '')}>"]
    lines += [f"Delivered-To: {address}" for address in envelope.rcpt_tos]
    # A bare line feed inside an envelope address would start a header of the sender's.
    return "".join(" ".join(line.splitlines()) + "\r\n" for line in lines).encode(
        "utf-8", "surrogateescape"
    )


class DeskHandler:
    """aiosmtpd's handler: RCPT checks the address, DATA stores the mail."""

    async def handle_RCPT(  # noqa: N802 (aiosmtpd calls its hooks by these names)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            ours = await _in_django(is_desk_address)(address)
        except DatabaseError:
            logger.warning("Recipient %s deferred: the database is unavailable", address)
            return TRY_LATER
        if not ours:
            return NOT_OURS.format(address)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = delivery_headers(envelope) + bytes(envelope.original_content or b"")
        try:
            await _in_django(mail_receive)(raw, via=Via.LMTP)
            reply = ACCEPTED
        except (DatabaseError, OSError) as exc:
            # The database, or the disk the raw mail goes to: the mail server keeps it.
            logger.warning("Mail from <%s> deferred (451): %s", envelope.mail_from, exc)
            reply = TRY_LATER
        except Exception:
            # Not stored (a bug): the mail server keeps it and tries again, nothing lost.
            logger.exception("Mail from <%s> could not be stored (451)", envelope.mail_from)
            reply = TRY_LATER
        if isinstance(server, LMTP):
            # LMTP answers DATA once per accepted recipient (RFC 2033 4.2). One mail, one
            # row: every recipient's answer is the same.
            return "\r\n".join([reply] * len(envelope.rcpt_tos))
        return reply


class DeskLMTP(LMTP):
    async def push(self, status: AnyStr) -> None:
        """aiosmtpd refuses data that is too big with a single reply; an LMTP client waits
        for one per recipient (RFC 2033 4.2) and would hang for the rest."""
        text = status.decode() if isinstance(status, bytes) else str(status)
        envelope = self.envelope
        if text.startswith(_DATA_REFUSALS) and envelope is not None and envelope.rcpt_tos:
            for _ in envelope.rcpt_tos[1:]:
                await super().push(text)
        await super().push(text)


class Gateway(Controller):
    """aiosmtpd's threaded server with our protocol class."""

    def __init__(self, *, host: str, port: int, protocol: str, max_bytes: int) -> None:
        self.protocol = protocol
        super().__init__(
            DeskHandler(),
            hostname=host,
            port=port,
            data_size_limit=max_bytes,
            # Mail servers deliver 8-bit and UTF-8 headers as they came: take the bytes.
            decode_data=False,
            ident="servicedesk mail gateway",
        )

    def factory(self) -> SMTP:
        server_class = DeskLMTP if self.protocol == "lmtp" else SMTP
        return server_class(self.handler, **self.SMTP_kwargs)
