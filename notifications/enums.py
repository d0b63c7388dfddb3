"""What notifications are about, how they travel and where they stand."""

from django.db import models


class EventKind(models.TextChoices):
    """What happened. Users choose channels per kind; webhooks filter on it."""

    CREATED = "created", "Incident created"
    ASSIGNED = "assigned", "Assigned or reassigned"
    PRIORITY_RAISED = "priority_raised", "Priority raised"
    STATE_CHANGED = "state_changed", "State changed"
    COMMENT = "comment", "Comment added"
    WORK_NOTE = "work_note", "Work note added"
    ESCALATED = "escalated", "Escalated to the manager"
    PAGE = "page", "On-call page"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breached"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested"
    CHANGE_SCHEDULED = "change_scheduled", "Change scheduled"
    STATUS_UPDATE = "status_update", "Status page update"
    STATUS_SUBSCRIPTION = "status_subscription", "Status page subscription"


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
