"""``manage.py fetch_mail``: poll the desk's IMAP mailbox once (docs/mail.md#receiving).
Celery beat runs the same poll every ``MAIL_IMAP_POLL_INTERVAL`` seconds."""

import imaplib
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from imap_tools.errors import ImapToolsError

from mailin.imap import mailbox_poll


class Command(BaseCommand):
    help = "Fetch new mail from the desk's IMAP mailbox (MAIL_IMAP_URL) once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, help="At most this many messages.")
        parser.add_argument("--batch", type=int, help="Messages per IMAP fetch.")

    def handle(
        self, *args: Any, limit: int | None = None, batch: int | None = None, **options: Any
    ) -> None:
        try:
            poll = mailbox_poll(limit=limit, batch=batch)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
            # Nothing was taken: every message is still in the inbox.
            raise CommandError(f"The mailbox cannot be read: {exc}") from exc
        if not poll.locked:
            self.stdout.write("Another poller is reading the mailbox; nothing done.")
            return
        self.stdout.write(
            f"{poll.received} received, {poll.set_aside} set aside, {poll.left} left in the inbox"
        )
        if poll.error:
            # A non-zero exit, so cron or an operator sees the database was down.
            raise CommandError(f"Stopped: a mail could not be stored ({poll.error})")
