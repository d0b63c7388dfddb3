"""``manage.py mail_gateway``: the LMTP (or SMTP) server a mail server delivers the desk's
mail to (docs/mail.md#receiving). Runs until SIGTERM or Ctrl-C."""

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mailin.lmtp import Gateway


class Command(BaseCommand):
    help = "Receive the desk's mail over LMTP (or SMTP) and store it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.MAIL_GATEWAY_HOST)
        parser.add_argument("--port", type=int, default=settings.MAIL_GATEWAY_PORT)
        parser.add_argument(
            "--protocol", choices=("lmtp", "smtp"), default=settings.MAIL_GATEWAY_PROTOCOL
        )
        parser.add_argument("--max-bytes", type=int, default=settings.MAIL_MAX_BYTES)

    def handle(
        self, *args: Any, host: str, port: int, protocol: str, max_bytes: int, **options: Any
    ) -> None:
        # aiosmtpd logs every connection and command at INFO ("mail.log"): a line per
        # peer and per EOF would bury our own. Its warnings and errors still show.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        gateway = Gateway(host=host, port=port, protocol=protocol, max_bytes=max_bytes)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        gateway.start()
        self.stdout.write(f"{protocol.upper()} gateway listening on {host}:{port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            gateway.stop()
