"""``manage.py issue_api_token <username> --name "Monitoring" [--days 30]``: issue an API
token from the shell (an integration's service account, say) and print it, once."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from accounts.tokens import DEFAULT_EXPIRY, TokenRefused, api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (it cannot be shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument(
            "--days", type=int, help="Days until it expires (default: API_TOKEN_DAYS)."
        )

    def handle(
        self, *args: Any, username: str, name: str, days: int | None, **options: Any
    ) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        expires = DEFAULT_EXPIRY if days is None else timezone.now() + timedelta(days=days)
        try:
            token, plain = api_token_issue(user, name=name, expires=expires)
        except TokenRefused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stderr.write(f"Token {token.name!r} for {user.username}, expires {token.expires}:")
        self.stdout.write(plain)
