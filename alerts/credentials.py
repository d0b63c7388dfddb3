"""Whether a body comes from the integration's sender: its secret as a bearer token, or an
HMAC-SHA256 signature of the raw body in the integration's header; Events v2 senders may carry
the secret as ``routing_key`` instead. Compared in constant time."""

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from alerts.models import AuthMode, Integration, Kind


def authentic(
    integration: Integration, headers: Mapping[str, str], body: bytes, document: Any
) -> bool:
    secret = integration.secret.encode()
    if integration.auth == AuthMode.HMAC:
        given = headers.get(integration.signature_header, "")
        scheme, _, digest = given.partition("=")
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        return scheme.strip().lower() == "sha256" and hmac.compare_digest(
            digest.strip().lower().encode(), expected.encode()
        )
    scheme, _, token = headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        return hmac.compare_digest(token.strip().encode(), secret)
    if integration.kind == Kind.EVENTS_V2 and not token and isinstance(document, dict):
        routing_key = document.get("routing_key")
        if isinstance(routing_key, str):
            return hmac.compare_digest(routing_key.encode(), secret)
    return False
