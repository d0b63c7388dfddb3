"""What notifications are about, how they travel and where they stand."""

from django.db import models

from kernel.notices import NoticeKind

# What happened, as people choose channels for it: the kinds the apps that record events
# declare in their notices.
EventKind = NoticeKind


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"
    INBOX = "inbox", "In-app inbox"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookFormat(models.TextChoices):
    STANDARD = "standard", "Standard Webhooks JSON"
    SLACK = "slack", "Slack-compatible message"
