"""``Idempotency-Key`` on API POSTs (the IETF httpapi draft, as Stripe does it): the first
answer to a user's POST under a key is kept, and a retry with that key gets it back instead
of making the change again.

How one key stays one effect, all inside the request's own transaction:

1. ``claim`` takes a transaction-scoped advisory lock on (user, key). A second request with
   the key while the first runs cannot take it and is told the key is in use (409), without
   waiting: the draft's choice, and no web worker is held by a client retrying in a loop.
2. Holding the lock, it reads the key's stored answer: one for the same request is replayed,
   one for another request is refused (422).
3. Otherwise the request runs, and ``store`` writes its answer in the same transaction as its
   effect: after a crash or a 5xx the transaction rolls back, effect and key together, so a
   retry runs again; once it committed, every retry replays and none redoes.

The unique constraint on (user, key) is the last guard: on a database without advisory
locks, two racing first requests both run, and the second one's insert fails and rolls its
effect back.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from kernel.models import IdempotencyKey

KEY = re.compile(r"[\x20-\x7e]{1,255}")
"""1 to 255 printable ASCII characters: a UUID, a hash or the client's own request id."""

LOCK_NAMESPACE = b"servicedesk.idempotency-key"


class KeyInUse(Exception):
    """Another request with this key has not finished yet."""


class KeyReused(Exception):
    """The key already answered a different request (method, path or body)."""


@dataclass(frozen=True)
class Claim:
    """A key this request holds, with the fingerprint of the request made under it."""

    user_id: int
    key: str
    fingerprint: str


def is_valid_key(key: str) -> bool:
    return KEY.fullmatch(key) is not None


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path with its query, and the exact body."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))  # no two splits hash alike
        digest.update(part)
    return digest.hexdigest()


def claim(user_id: int, key: str, fingerprint: str) -> Claim | IdempotencyKey:
    """Take ``key`` for this request, or return the answer it already has. Call inside the
    transaction that will make the change: the lock is held until it ends.

    Raises ``KeyInUse`` while another request holds the key and ``KeyReused`` when the key
    answered another request."""
    if not _try_lock(user_id, key):
        raise KeyInUse()
    stored = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
    if stored is not None and stored.created_at < expiry_cutoff():
        stored.delete()  # expired but not purged yet: as if it had never been used
        stored = None
    if stored is None:
        return Claim(user_id=user_id, key=key, fingerprint=fingerprint)
    if stored.fingerprint != fingerprint:
        raise KeyReused()
    return stored


def store(claim: Claim, *, status_code: int, headers: list[tuple[str, str]], body: bytes) -> None:
    """Keep the answer the client is about to get, in the transaction of its effect."""
    IdempotencyKey.objects.create(
        user_id=claim.user_id,
        key=claim.key,
        fingerprint=claim.fingerprint,
        status_code=status_code,
        headers=[list(pair) for pair in headers],
        body=body,
        created_at=timezone.now(),
    )


def expiry_cutoff() -> datetime:
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def purge_expired() -> int:
    """Delete the answers older than ``IDEMPOTENCY_KEY_TTL_HOURS``; the count deleted."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=expiry_cutoff()).delete()
    return deleted


def _try_lock(user_id: int, key: str) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite (development) runs one writer at a time; the constraint guards
    digest = hashlib.sha256(LOCK_NAMESPACE + f"{user_id}\0{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], signed=True)]
        )
        row = cursor.fetchone()
    return bool(row and row[0])
