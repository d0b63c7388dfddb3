"""The channels that leave the building: email and webhooks. Each sender raises
``Transient`` (try again later) or ``Permanent`` (stop) and returns on success.

A batch of rows is sent through one ``Courier``: it opens the mail connection once for
the batch (not once per message) and sends webhooks through the process's pooled HTTP
client, which keeps a connection alive per endpoint."""

import contextlib
import email.policy
import json
import os
import smtplib
import threading
import time
from email.headerregistry import BaseHeader, HeaderRegistry
from email.policy import EmailPolicy, Policy
from types import TracebackType
from typing import Any, Self

import httpx
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from kernel.notices import ActionLink, personal_link, reference_links
from notifications import signing
from notifications.destinations import CheckedTransport, UnsafeDestination
from notifications.enums import Channel, WebhookFormat
from notifications.models import Notification

# Status codes worth retrying: the receiver says "later" (408, 429) or is broken (5xx).
RETRY_STATUSES = frozenset({408, 429})


class Transient(Exception):
    """Worth retrying: 5xx, timeouts, connection and SMTP errors."""


class Permanent(Exception):
    """Retrying will not help: a 4xx, a refused recipient."""


class Gone(Permanent):
    """410: the receiver is gone for good; the endpoint gets disabled."""


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"


def reply_to(notification: Notification) -> str:
    """Replies to ``desk+INC0000001@domain`` can be threaded back to the ticket."""
    if notification.address:
        # Not a user: a reply could not become anyone's comment, so it goes to the desk.
        return str(settings.NOTIFICATIONS_REPLY_TO)
    local, _, domain = settings.NOTIFICATIONS_REPLY_TO.rpartition("@")
    number = notification.payload.get("number", "")
    return f"{local}+{number}@{domain}" if number else settings.NOTIFICATIONS_REPLY_TO


def list_headers(action: ActionLink | None) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients show an "Unsubscribe" button that POSTs
    ``List-Unsubscribe=One-Click`` to the URL, with no page to visit."""
    if action is None or not action.unsubscribe:
        return {}
    return {
        "List-Unsubscribe": f"<{action.url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


class _HeaderRegistry(HeaderRegistry):
    """The standard library's registry builds a new class each time it parses a header
    (``type(...)`` in ``__getitem__``). Making them once per header name took building a
    notification mail from 3.6 ms of CPU to 1.3 ms (bench/notifications.py, Python 3.12)."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls


_policies: dict[int, tuple[Policy, Policy]] = {}


def _faster(policy: Policy) -> Policy:
    """``policy`` (the one a mail backend asks for) with the caching header registry."""
    if not isinstance(policy, EmailPolicy):
        return policy  # compat32 has no header registry
    known = _policies.get(id(policy))
    if known is None or known[0] is not policy:
        faster = policy.clone(header_factory=_HeaderRegistry())
        known = _policies[id(policy)] = (policy, faster)
    return known[1]


class _Mail(EmailMultiAlternatives):
    def message(self, *, policy: Policy | None = None) -> Any:
        return super().message(policy=_faster(policy or email.policy.default))


def send_email(notification: Notification, connection: BaseEmailBackend) -> None:
    """Send one mail through ``connection`` (left open for the next message)."""
    recipient = notification.recipient
    to = recipient.email if recipient is not None else notification.address
    if not to:
        raise Permanent("The recipient has no email address.")
    # Built now, for this recipient only: the row (and the timeline) never holds it.
    action = personal_link(notification.kind, notification.payload, notification.addressed_to)
    context = {
        "n": notification,
        "data": notification.payload,
        "user": recipient,
        "action": action,
        # What to read first (a paged incident's runbook), as it is now.
        "references": reference_links(notification.kind, notification.payload),
    }
    message = _Mail(
        subject=notification.subject,
        body=render_to_string("notifications/email.txt", context),
        to=[to],
        reply_to=[reply_to(notification)],
        headers={
            # Stable across retries, so a mail client shows a resent message once.
            "Message-ID": f"<{notification.message_id}@{_domain()}>",
            "X-Servicedesk-Event": notification.kind,
            # RFC 3834: an automatic mail, which no auto-responder should answer (and which
            # our own inbound mail never answers either: mailin.loops). Exchange reads the
            # second header for the same purpose.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            **list_headers(action),
        },
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        raise Permanent(f"Recipient refused: {exc.recipients}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise Transient(f"{type(exc).__name__}: {exc}") from exc


def webhook_body(notification: Notification) -> dict[str, Any]:
    endpoint = notification.endpoint
    if endpoint is not None and endpoint.format == WebhookFormat.SLACK:
        text = f"<{notification.url}|{notification.subject}>"
        if notification.body:
            text += "\n" + notification.body
        return {"text": text}
    return notification.payload


# One pooled client per process: a worker's pool children are forked, and a client (its
# sockets and lock) must not be shared across a fork, hence the pid.
_client: httpx.Client | None = None
_client_pid = 0
_client_lock = threading.Lock()

# A receiver's answer is only its status; a body beyond this is not read.
MAX_RESPONSE_BYTES = 64 * 1024


def http_client() -> httpx.Client:
    global _client, _client_pid
    with _client_lock:
        if _client is None or _client_pid != os.getpid():
            _client = httpx.Client(
                # Redirects are not followed: a webhook URL that moved is the admin's to fix
                # (and a redirect could point anywhere).
                follow_redirects=False,
                # Connects only to the addresses the SSRF guard allows (destinations.py).
                transport=CheckedTransport(
                    limits=httpx.Limits(max_connections=100, max_keepalive_connections=20)
                ),
                headers={"User-Agent": "servicedesk-webhooks/1"},
            )
            _client_pid = os.getpid()
        return _client


def send_webhook(notification: Notification) -> None:
    endpoint = notification.endpoint
    if endpoint is None or not endpoint.is_active:
        raise Permanent("The endpoint is disabled.")
    body = json.dumps(webhook_body(notification), separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        **signing.headers(endpoint.secret, notification.message_id, int(time.time()), body),
    }
    timeout = settings.NOTIFICATIONS_WEBHOOK_TIMEOUT
    try:
        with http_client().stream(
            "POST", endpoint.url, content=body, headers=headers, timeout=timeout
        ) as response:
            code = response.status_code
            read = 0
            for chunk in response.iter_raw():
                read += len(chunk)
                if read >= MAX_RESPONSE_BYTES:
                    break
    except UnsafeDestination as exc:
        # Its name resolves to an internal address now: retrying will not make it safe.
        raise Permanent(f"Refused: {exc}") from exc
    except (httpx.TransportError, httpx.InvalidURL, OSError) as exc:
        # Timeouts, refused connections, resets, an unknown scheme.
        raise Transient(f"{type(exc).__name__}: {exc}") from exc
    if code < 300:
        return
    if code == 410:
        raise Gone("410 Gone: the receiver asked us to stop")
    if code in RETRY_STATUSES or code >= 500:
        raise Transient(f"HTTP {code}")
    raise Permanent(f"HTTP {code}")


class Courier:
    """Sends the rows of one batch: ``with Courier() as courier: courier.send(row)``. The
    mail connection is opened at the first mail and closed at the end of the batch."""

    def __init__(self) -> None:
        self._mail: BaseEmailBackend | None = None
        self._mail_down = ""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close_mail()

    def send(self, notification: Notification) -> None:
        if notification.channel == Channel.WEBHOOK:
            send_webhook(notification)
            return
        if notification.channel != Channel.EMAIL:
            raise Permanent(f"Nothing sends {notification.channel} rows.")
        if self._mail_down:
            # The mail server refused this batch once: the batch's other mails retry later
            # instead of each waiting for its own connection timeout.
            raise Transient(self._mail_down)
        if self._mail is None:
            # Opened here, so each send_messages() leaves it open for the next mail.
            mail = mailers["default"]
            try:
                mail.open()
            except (smtplib.SMTPException, OSError) as exc:
                self._mail_down = f"{type(exc).__name__}: {exc}"
                raise Transient(self._mail_down) from exc
            self._mail = mail
        try:
            send_email(notification, self._mail)
        except Transient:
            # The connection may be broken: the next mail opens a new one.
            self._close_mail()
            raise

    def _close_mail(self) -> None:
        mail, self._mail = self._mail, None
        if mail is not None:
            # Closing a broken connection: there is nothing left to recover.
            with contextlib.suppress(Exception):
                mail.close()
