"""The channels that leave the building: email and webhooks. Each sender raises
``Transient`` (try again later) or ``Permanent`` (stop) and returns on success."""

import json
import smtplib
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notifications import signing
from notifications.enums import WebhookFormat
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


def list_headers(notification: Notification) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients show an "Unsubscribe" button that POSTs
    ``List-Unsubscribe=One-Click`` to the URL, with no page to visit."""
    url = notification.payload.get("unsubscribe_url")
    if not url:
        return {}
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_email(notification: Notification) -> None:
    recipient = notification.recipient
    to = recipient.email if recipient is not None else notification.address
    if not to:
        raise Permanent("The recipient has no email address.")
    context = {"n": notification, "data": notification.payload, "user": recipient}
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=render_to_string("notifications/email.txt", context),
        to=[to],
        reply_to=[reply_to(notification)],
        headers={
            # Stable across retries, so a mail client shows a resent message once.
            "Message-ID": f"<{notification.message_id}@{_domain()}>",
            "X-Servicedesk-Event": notification.kind,
            **list_headers(notification),
        },
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    try:
        message.send(using="default")
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


def send_webhook(notification: Notification) -> None:
    endpoint = notification.endpoint
    if endpoint is None or not endpoint.is_active:
        raise Permanent("The endpoint is disabled.")
    body = json.dumps(webhook_body(notification), separators=(",", ":")).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is an admin-entered http(s) URL)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "servicedesk-webhooks/1",
            **signing.headers(endpoint.secret, notification.message_id, int(time.time()), body),
        },
    )
    timeout = settings.NOTIFICATIONS_WEBHOOK_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read(1024)
    except urllib.error.HTTPError as exc:
        code = exc.code
        if code == 410:
            raise Gone("410 Gone: the receiver asked us to stop") from exc
        if code in RETRY_STATUSES or code >= 500:
            raise Transient(f"HTTP {code}") from exc
        raise Permanent(f"HTTP {code}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise Transient(f"{type(exc).__name__}: {exc}") from exc


SENDERS = {"email": send_email, "webhook": send_webhook}
