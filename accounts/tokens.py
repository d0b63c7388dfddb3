"""API tokens: issuing one (its plain text returned once), revoking one, and what a
request's token is checked against. The admin and the API call these and nothing else."""

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import Enum
from typing import Final, Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, User

SCHEME_PREFIX: Final = "sd_"
SHOWN_CHARS: Final = 10  # kept in ApiToken.prefix: "sd_" and 7 of the 43 random characters
# last_used is written at most this often per token, so a busy client adds no write per
# request (one UPDATE a minute per token, not one per request).
LAST_USED_EVERY: Final = timedelta(seconds=60)


class Expiry(Enum):
    DEFAULT = "default"


DEFAULT_EXPIRY: Final = Expiry.DEFAULT


class TokenRefused(ValueError):
    """An issue or revocation the rules refuse; the message says why, for the user, and
    ``field`` which input was wrong, if one was."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


class TokenAlreadyRevoked(TokenRefused):
    pass


def token_digest(plain: str) -> str:
    """The stored form of a token: one SHA-256, hex.

    No slow KDF (PBKDF2, Argon2): those protect low-entropy secrets like passwords from a
    dictionary attack on a stolen digest. These tokens are 256 random bits (the DRF keys
    migrated from before, 160), so a stolen digest can only be attacked by brute force over
    2^256 (2^160) inputs, which one fast hash resists as well as a slow one; a KDF would only
    make every API request pay for it. Being deterministic, the digest is also the lookup
    key (a unique index), so no per-token salt."""
    return hashlib.sha256(plain.encode()).hexdigest()


def new_plain_token() -> str:
    return SCHEME_PREFIX + secrets.token_urlsafe(32)


def check_expiry(
    expires: datetime | Literal[Expiry.DEFAULT] | None,
    *,
    now: datetime,
    presented: ApiToken | None = None,
) -> datetime | None:
    """The expiry a new token gets, or ``TokenRefused``. The default is API_TOKEN_DAYS from
    now; "never" (None) only where API_TOKEN_ALLOW_NEVER is on; at most API_TOKEN_MAX_DAYS.
    A token issued by a request signed in with a token (``presented``) never outlives that
    token, so a leaked token cannot mint itself a longer life."""
    if expires is DEFAULT_EXPIRY:
        expires = now + timedelta(days=settings.API_TOKEN_DAYS)
    if expires is None:
        if not settings.API_TOKEN_ALLOW_NEVER:
            raise TokenRefused("Tokens must expire: choose a date.", field="expires")
    elif expires <= now:
        raise TokenRefused("Choose a time in the future.", field="expires")
    elif expires > now + timedelta(days=settings.API_TOKEN_MAX_DAYS):
        days = settings.API_TOKEN_MAX_DAYS
        raise TokenRefused(f"Tokens last at most {days} days.", field="expires")
    ceiling = presented.expires if presented is not None else None
    if ceiling is not None and (expires is None or expires > ceiling):
        expires = ceiling
    return expires


def api_token_issue(
    user: User,
    *,
    name: str,
    expires: datetime | Literal[Expiry.DEFAULT] | None = DEFAULT_EXPIRY,
    presented: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user`` (always the person asking: nobody issues tokens for someone
    else) and its plain text, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise TokenRefused("Name the token: what is it for?", field="name")
    now = timezone.now()
    expires = check_expiry(expires, now=now, presented=presented)
    plain = new_plain_token()
    token = ApiToken.objects.create(
        user=user,
        created=now,
        name=name,
        prefix=plain[:SHOWN_CHARS],
        digest=token_digest(plain),
        expires=expires,
    )
    return token, plain


def api_token_revoke(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke ``token`` now: every later request with it is a 401."""
    if not token.may_be_revoked_by(by):
        raise TokenRefused("You may revoke only your own tokens.")
    with transaction.atomic():
        # Locked: two revocations at once record the first one's time and person.
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise TokenAlreadyRevoked("This token is revoked already.")
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def note_use(token: ApiToken, now: datetime) -> None:
    """Record that ``token`` was just used, at most once a minute. The UPDATE's condition
    makes concurrent requests of several workers write once between them. A usage stamp,
    not a change of the token: no history (``ApiToken`` keeps none; issue and revoke are
    its events)."""
    if token.last_used is not None and now - token.last_used < LAST_USED_EVERY:
        return
    recent = now - LAST_USED_EVERY
    ApiToken.objects.filter(pk=token.pk).exclude(last_used__gt=recent).update(last_used=now)
    token.last_used = now
