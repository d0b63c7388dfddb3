"""Every mail the desk receives, kept whatever became of it (docs/mail.md)."""

import hashlib
import uuid

from django.conf import settings
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


class Outcome(models.TextChoices):
    """What a processed mail became (``status`` says whether it was processed at all)."""

    NONE = "", "Nothing"
    CREATED = "created", "Incident created"
    FOLLOW_UP = "follow_up", "Follow-up incident created"
    COMMENT = "comment", "Comment"
    WORK_NOTE = "work_note", "Work note"


def message_key(message_id: str) -> str:
    """The key of the mail with this Message-ID ("<id@host>"), "" for none. Relays and
    mailbox servers refold or re-case the header on the way (one copy by IMAP, one by
    LMTP; a client quoting it in References): "<ABC@Host>" and "< abc@host >" are one."""
    canonical = "".join(message_id.split()).lower()
    if not canonical:
        return ""
    return hashlib.sha256(b"mid:" + canonical.encode("utf-8", "replace")).hexdigest()


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
    complete = models.BooleanField(
        default=True,
        help_text="False: the mail was too big to take; only its headers are kept here, and "
        "the whole mail waits where the reason says.",
    )
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
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    replied = models.BooleanField(
        default=False, help_text="Whether we answered the sender (acknowledgement or refusal)."
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account the From address matched (or was created for).",
    )
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "inbound mail"
        verbose_name_plural = "inbound mail"
        indexes = [
            # The rate limit counts one sender's new incidents of the last hour.
            models.Index(fields=["from_address", "processed_at"], name="inbound_sender_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"

    @property
    def may_retry(self) -> bool:
        """A failed or rejected mail may be processed again (the bug fixed, the limit
        passed, the sender given an account); an ignored one was never meant to be, and
        one too big to take has only its headers here."""
        return self.complete and self.status in (MailStatus.FAILED, MailStatus.REJECTED)


class DeskAddress(models.Model):
    """An address the desk receives mail at, and where new incidents from it go.
    ``settings.NOTIFICATIONS_REPLY_TO`` is one without a row; replies to any of them
    (``local+INC0000123@domain``) thread to their incident."""

    address = models.EmailField(unique=True, help_text="Stored lower-cased.")
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignment_group = models.ForeignKey(
        "catalog.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the service's owning team, as for any new incident.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["address"]
        verbose_name = "desk address"
        verbose_name_plural = "desk addresses"

    def __str__(self) -> str:
        return self.address

    def clean(self) -> None:
        # Before the uniqueness check: Desk@ and desk@ are one mailbox.
        self.address = self.address.strip().lower()
