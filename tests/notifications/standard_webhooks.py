"""An independent implementation of the Standard Webhooks verification, written from the
specification (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/
standard-webhooks.md), not from our signer: what a receiver would run."""

import base64
import hmac


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    msg_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    key = base64.b64decode(secret.split("_", 1)[1])
    content = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.digest(key, content, "sha256"))
    for part in headers["webhook-signature"].split(" "):
        version, _, signature = part.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return True
    return False
