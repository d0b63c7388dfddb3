"""The Standard Webhooks signature scheme (https://www.standardwebhooks.com).

Each request carries ``webhook-id`` (stable across retries: receivers dedupe on it),
``webhook-timestamp`` (Unix seconds of this attempt) and ``webhook-signature``:
``v1,`` + base64 of HMAC-SHA256 over ``{id}.{timestamp}.{body}``, keyed with the base64
part of the endpoint's ``whsec_`` secret.
"""

import hashlib
import hmac
from base64 import b64decode, b64encode

TOLERANCE_SECONDS = 300


def _key(secret: str) -> bytes:
    return b64decode(secret.removeprefix("whsec_"))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
    }


def verify(secret: str, received: dict[str, str], body: bytes, *, now: int) -> bool:
    """What a receiver does: recompute, compare in constant time, refuse stale requests.
    ``webhook-signature`` may list several space-separated signatures (key rotation)."""
    try:
        timestamp = int(received["webhook-timestamp"])
        msg_id = received["webhook-id"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, msg_id, timestamp, body)
    return any(
        hmac.compare_digest(expected, candidate)
        for candidate in received.get("webhook-signature", "").split()
    )
