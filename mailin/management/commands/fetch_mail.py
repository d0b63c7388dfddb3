"""``manage.py fetch_mail``: poll the desk's IMAP mailbox once (docs/mail.md#receiving).
Celery beat runs the same poll every ``MAIL_IMAP_POLL_INTERVAL`` seconds."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mailin.imap import mailbox_poll


class Command(BaseCommand):
    help = "Fetch new mail from the desk's IMAP mailbox (MAIL_IMAP_URL) once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, help="At most this many messages.")
        parser.add_argument("--batch", type=int, help="Messages per IMAP fetch.")

    def handle(
        self, *args: Any, limit: int | None = None, batch: int | None = None, **options: Any
    ) -> None:
        poll = mailbox_poll(limit=limit, batch=batch)
        if not poll.locked:
            self.stdout.write("Another poller is reading the mailbox; nothing done.")
            return
        self.stdout.write(
            f"{poll.received} received, {poll.set_aside} set aside, {poll.left} left in the inbox"
        )
        if poll.error:
            # A non-zero exit, so cron or an operator sees the database was down.
            raise CommandError(f"Stopped: a mail could not be stored ({poll.error})")
