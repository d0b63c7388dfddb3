"""What a received mail becomes: an incident, a comment, a work note, or a recorded
refusal. Filled in by the routing work (docs/mail.md)."""

from django.utils import timezone

from mailin.models import InboundMail, MailStatus


def mail_process(inbound: InboundMail) -> InboundMail:
    inbound.status = MailStatus.PROCESSED
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["status", "processed_at"])
    return inbound
