"""Our signer agrees with an independent implementation of Standard Webhooks."""

import time

from notifications import signing
from notifications.models import new_webhook_secret
from tests.notifications.standard_webhooks import verify as independent_verify


def test_signature_matches_the_specification():
    secret = new_webhook_secret()
    body = b'{"type":"incident.created"}'
    headers = signing.headers(secret, "msg_1", int(time.time()), body)
    assert headers["webhook-signature"].startswith("v1,")
    assert independent_verify(secret, headers, body)
    assert signing.verify(secret, headers, body, now=int(time.time()))
    assert not independent_verify(secret, headers, body + b" ")
    assert not signing.verify(secret, headers, body, now=int(time.time()) + 3600)


def test_known_vector():
    # The example from the Standard Webhooks reference libraries.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected
