"""API token authentication: the token, its user and the user's permissions in one query,
and a per-IP block on guessing.

``Authorization: Bearer <token>``; ``Token <token>``, the scheme of the DRF keys clients
held before, still works. Only the token's SHA-256 is stored (``accounts.tokens``), so the
lookup is by digest.

Every API request asks whether its user is an agent (a permission), so a token lookup
followed by a permission lookup is two round trips on every request. On PostgreSQL one
statement returns the token with its user and their permission names (their own and their
groups'), and it is plain SQL because it runs on every request: compiling the equivalent
ORM query cost more than running it. Elsewhere the ORM reads the token and its user, and
the backend reads the permissions when asked."""

import ipaddress
import math
import time
from contextlib import suppress
from functools import cache
from hmac import compare_digest
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache as default_cache
from django.db import connection
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken, User
from accounts.tokens import note_use, token_digest

SCHEMES = (b"bearer", b"token")
_TOKEN_COLUMNS = ("id", "name", "prefix", "digest", "created", "expires", "last_used")


@cache
def user_with_rights_sql() -> str:
    def table(model: Any) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    user_perms = table(User.user_permissions.through)
    user_groups = table(User.groups.through)
    group_perms = table(Group.permissions.through)
    token_columns = ", ".join(f"t.{name} AS token_{name}" for name in _TOKEN_COLUMNS)
    return f"""
        SELECT u.*, {token_columns}, t.revoked_at AS token_revoked_at, ARRAY(
            SELECT ct.app_label || '.' || p.codename
            FROM {table(Permission)} p JOIN {table(ContentType)} ct ON ct.id = p.content_type_id
            WHERE p.id IN (SELECT up.permission_id FROM {user_perms} up WHERE up.user_id = u.id)
               OR p.id IN (SELECT gp.permission_id FROM {group_perms} gp
                           JOIN {user_groups} ug ON ug.group_id = gp.group_id
                           WHERE ug.user_id = u.id)
        ) AS rights
        FROM {table(ApiToken)} t JOIN {table(User)} u ON u.id = t.user_id
        WHERE t.digest = %s
    """  # noqa: S608 (table names from the models, the digest is a parameter)


def find_token(digest: str) -> ApiToken | None:
    """The token with this digest, its ``user`` loaded (on PostgreSQL with the user's
    permissions primed), in one query."""
    if connection.vendor != "postgresql":
        return ApiToken.objects.select_related("user").filter(digest=digest).first()
    found = list(User.objects.raw(user_with_rights_sql(), [digest]))
    if not found:
        return None
    user = found[0]
    if not user.is_superuser:
        # What accounts.backends.PermissionBackend would read on first use.
        user._perm_cache = set(user.rights)  # type: ignore[attr-defined]
    columns = {name: getattr(user, f"token_{name}") for name in (*_TOKEN_COLUMNS, "revoked_at")}
    return ApiToken(user=user, **columns)


class FailedTokens:
    """Counts unknown tokens per client address in the cache (no database write per
    failure) and blocks the address for API_TOKEN_FAILURE_WINDOW seconds once it has sent
    API_TOKEN_FAILURE_LIMIT of them within that time.

    While blocked, the address is refused even with a valid token: if a valid token still
    worked, the block would hide nothing from someone guessing (a right guess would answer
    200 among the 429s), so guessing would go on at full speed. Stripe and GitHub refuse the
    address the same way. A success never resets the count, or one valid token would let
    its holder guess without end. Expired and revoked tokens are not guesses and do not
    count. The address is REMOTE_ADDR (deploy/proxied.py sets it from nginx); an IPv6 one
    counts by its /64, the block one subscriber gets, or rotating addresses within it would
    escape the count."""

    def __init__(self, address: str) -> None:
        if ":" in address:
            with suppress(ValueError):  # not an address after all: count it as given
                address = str(ipaddress.IPv6Network(f"{address}/64", strict=False))
        self.count_key = f"api-token-failures:{address}"
        self.block_key = f"api-token-blocked:{address}"

    def blocked_for(self) -> int:
        """Seconds until the address may try again; 0 when it is not blocked."""
        until = default_cache.get(self.block_key)
        return max(1, math.ceil(until - time.time())) if until is not None else 0

    def add(self) -> None:
        window = settings.API_TOKEN_FAILURE_WINDOW
        default_cache.add(self.count_key, 0, window)
        try:
            count = default_cache.incr(self.count_key)
        except ValueError:  # expired between add() and incr()
            default_cache.set(self.count_key, count := 1, window)
        if count >= settings.API_TOKEN_FAILURE_LIMIT:
            default_cache.set(self.block_key, time.time() + window, window)


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in SCHEMES:
            return None  # another scheme, or none: the session may still sign them in
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send `Authorization: Bearer <token>`.")
        failures = FailedTokens(request.META.get("REMOTE_ADDR") or "unknown")
        wait = failures.blocked_for()
        if wait:
            raise exceptions.Throttled(
                wait, detail="Too many wrong tokens from this address. Try again later."
            )
        digest = token_digest(header[1].decode("latin-1"))
        token = find_token(digest)
        # The lookup matched the digest already; comparing again in constant time keeps the
        # check honest should the lookup ever change (a prefix search, say).
        if token is None or not compare_digest(token.digest, digest):
            failures.add()
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        refusal = token.refusal(now)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        note_use(token, now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
