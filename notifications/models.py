"""The outbox and what decides who it is for.

``Notification`` is the outbox: one row per (event, channel, recipient), written in the
transaction of the change that caused it and delivered by Celery after commit. Its primary
key is the message id receivers dedupe on (``webhook-id``, ``Message-ID``), so it never
changes across retries.
"""

import secrets
import uuid
from base64 import b64encode
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from kernel.notices import Recipient
from kernel.zones import validate_time_zone
from notifications.destinations import url_refusal
from notifications.enums import Channel, DeliveryStatus, EventKind, WebhookFormat
from notifications.quiet import QuietWindow


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


class Endpoint(models.Model):
    """An outgoing webhook: a team's chat room, a status page, an integration."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    # Kept in clear (HMAC signing needs it) but displayed only on the page that answers its
    # creation or rotation: not editable, so no admin form has it. (A ModelSerializer would
    # still output it read-only: an API for endpoints must leave it out.)
    secret = models.CharField(max_length=100, default=new_webhook_secret, editable=False)
    secret_set_at = models.DateTimeField(default=timezone.now, editable=False)
    format = models.CharField(max_length=16, choices=WebhookFormat, default=WebhookFormat.STANDARD)
    team = models.ForeignKey(
        "catalog.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        help_text="Only events on this team's tickets; empty for every event.",
    )
    kinds = models.JSONField(
        default=list, blank=True, help_text="Event kinds to send; empty for all of them."
    )
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.name

    @property
    def secret_hint(self) -> str:
        """Enough to recognise the secret a receiver holds, not to sign with it."""
        return f"{self.secret[: len('whsec_') + 4]}…"

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def clean(self) -> None:
        # The send-time check (channels.send_webhook) is the guard; this one tells the
        # admin at once.
        refusal = url_refusal(self.url) if self.url else ""
        if refusal:
            raise ValidationError({"url": refusal})


# ``recipient_key`` of someone who is not a user: this, then the key the app gave them.
ADDRESS_PREFIX = "address:"
RECIPIENT_KEY_MAX = 40


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_key = models.CharField(
        max_length=120, help_text="The event that caused it, e.g. incidents.incident:42/7."
    )
    kind = models.CharField(max_length=24, choices=EventKind)
    channel = models.CharField(max_length=16, choices=Channel)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # Someone who is not a user (a status page subscriber): the mail goes here instead.
    address = models.EmailField(blank=True, editable=False)
    # What uniqueness is on: "user:<id>", "endpoint:<id>" or "address:<who>" (one column,
    # so one constraint).
    recipient_key = models.CharField(max_length=RECIPIENT_KEY_MAX, editable=False)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        max_length=16, choices=DeliveryStatus, default=DeliveryStatus.PENDING, editable=False
    )
    attempts = models.PositiveIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now, editable=False)
    enqueued_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Last handed to the broker."
    )
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    read_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "channel", "recipient_key"], name="notification_once"
            ),
        ]
        indexes = [
            # The relay's scan: only undelivered rows, so it stays small whatever the log holds.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["created_at"], name="notification_created"),
        ]

    def __str__(self) -> str:
        to = self.recipient or self.endpoint or self.address
        return f"{self.get_channel_display()} to {to}: {self.subject}"

    @property
    def addressed_to(self) -> Recipient:
        """Who the message is for, as the apps that build its personal link know them: a
        user, or the key the app gave an address (``address:subscriber:12`` is
        ``subscriber:12``)."""
        if self.recipient_id is not None:
            return Recipient(user_id=self.recipient_id)
        if self.recipient_key.startswith(ADDRESS_PREFIX):
            return Recipient(address_key=self.recipient_key.removeprefix(ADDRESS_PREFIX))
        return Recipient()

    @property
    def message_id(self) -> str:
        """Stable across retries: receivers dedupe on it."""
        return f"msg_{self.id.hex}"


class InboxItem(Notification):
    """The in-app inbox: the same rows, seen by their recipient."""

    class Meta:
        proxy = True
        verbose_name = "inbox message"
        verbose_name_plural = "inbox"


class Preference(models.Model):
    """A user's channels for one kind of event. No row means email and inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=24, choices=EventKind)
    email = models.BooleanField(default=True)
    inbox = models.BooleanField(default=True)
    respect_quiet_hours = models.BooleanField(
        default=False,
        help_text="Hold these mails during my quiet hours and send them when they end. "
        "Off: mailed at once, whatever the hour. The in-app inbox is always immediate.",
    )

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once"),
        ]
        verbose_name = "notification preference"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"


class QuietHours(models.Model):
    """When a user would rather not be mailed. Only kinds whose ``Preference`` says
    ``respect_quiet_hours`` wait for them (the default mails at once)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    start = models.TimeField(default=time(22), help_text="Local time the quiet hours begin.")
    end = models.TimeField(
        default=time(7), help_text="Local time they end (before the start: the next morning)."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Your time zone, e.g. Europe/Berlin: the hours are wall-clock times there, "
        "across DST changes.",
    )
    weekends = models.BooleanField(
        default=False, help_text="Quiet all day on Saturdays and Sundays too."
    )

    class Meta:
        verbose_name = "quiet hours"
        verbose_name_plural = "quiet hours"

    def __str__(self) -> str:
        weekends = ", weekends" if self.weekends else ""
        return f"{self.user}: {self.start:%H:%M}-{self.end:%H:%M} {self.time_zone}{weekends}"

    @property
    def window(self) -> QuietWindow:
        return QuietWindow(self.start, self.end, ZoneInfo(self.time_zone), self.weekends)

    def until(self, now: datetime) -> datetime | None:
        """When the quiet period holding ``now`` ends; None when ``now`` is not quiet."""
        return self.window.until(now)


class Watch(models.Model):
    """Anyone can watch a ticket (any type: a generic relation keeps the kernel unaware)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    ticket = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="watch_once"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="watch_ticket")]

    def __str__(self) -> str:
        return f"{self.user} watches {self.content_type.model} {self.object_id}"


class ServiceSubscription(models.Model):
    """A stakeholder who hears about incidents on a service (created, state changes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_subscriptions"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, related_name="subscriptions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "user"], name="subscription_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.service}"
