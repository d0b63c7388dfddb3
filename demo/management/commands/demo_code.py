"""Print the demo managers' current authenticator code (``load_demo``'s known secret), so
a developer can sign in as ``admin`` or ``maria`` without a phone. DEBUG only."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from demo.management.commands.load_demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of the demo admin and manager."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo secret is for development: run it with DEBUG=1 only.")
        code = totp(bytes.fromhex(DEMO_TOTP_KEY))
        self.stdout.write(f"{code:06d}  (valid for about 30 seconds; each code works once)")
