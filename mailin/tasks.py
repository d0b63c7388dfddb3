"""The hand-off to Celery: thin tasks, each calling one function."""

from celery import shared_task

from mailin.imap import mailbox_poll


@shared_task(ignore_result=True)
def fetch_mail() -> int:
    """One poll of the desk's mailbox (beat, every ``MAIL_IMAP_POLL_INTERVAL`` seconds);
    a poll still running keeps the mailbox, and this one returns at once."""
    return mailbox_poll().received
