"""Every mail the desk receives, kept whatever became of it (docs/mail.md)."""

import uuid

from django.db import models
from django.utils import timezone


class Via(models.TextChoices):
    IMAP = "imap", "IMAP mailbox"
    LMTP = "lmtp", "LMTP/SMTP gateway"
    RETRY = "retry", "Retried by an agent"


class MailStatus(models.TextChoices):
    RECEIVED = "received", "Received, not processed yet"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


def raw_path(instance: "InboundMail", filename: str) -> str:
    """A generated name: nothing a sender wrote reaches the file system."""
    return f"inbound-mail/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.eml"


class InboundMail(models.Model):
    """One received mail: its raw bytes, where it came from and what became of it.

    ``key`` makes receiving idempotent: the same mail fetched twice, or delivered by both
    routes, is one row (the Message-ID, or a hash of the raw bytes when it has none)."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    message_id = models.CharField(max_length=998, blank=True)
    raw = models.FileField(upload_to=raw_path, max_length=255)
    size = models.PositiveBigIntegerField()
    via = models.CharField(max_length=10, choices=Via.choices)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    from_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=MailStatus.choices, default=MailStatus.RECEIVED, db_index=True
    )
    reason = models.TextField(blank=True, help_text="Why it was ignored, rejected or failed.")
    processed_at = models.DateTimeField(null=True, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mails",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "inbound mail"
        verbose_name_plural = "inbound mail"

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"
