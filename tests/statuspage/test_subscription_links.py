"""Forged or altered links change nothing; re-subscribing makes no duplicate and answers
the same whatever the address's state; the subscribe form is rate-limited per IP."""

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from statuspage.links import confirm_url, unsubscribe_url
from statuspage.models import Subscriber

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def pending() -> Subscriber:
    return Subscriber.objects.create(email="pat@example.org")


@pytest.fixture
def active() -> Subscriber:
    return Subscriber.objects.create(email="sam@example.org", confirmed_at=timezone.now())


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
def test_forged_and_tampered_tokens_are_404_and_change_nothing(client, pending, active, kind):
    good = path_of(confirm_url(pending, []) if kind == "confirm" else unsubscribe_url(active))
    prefix = "/status/subscribe/confirm/" if kind == "confirm" else "/status/unsubscribe/"
    token = good.removeprefix(prefix).rstrip("/")
    for bad in ("nonsense", token[:-2] + "xx", token.replace(":", ";", 1)):
        assert client.get(f"{prefix}{bad}/").status_code == 404
        assert client.post(f"{prefix}{bad}/").status_code == 404
    pending.refresh_from_db()
    active.refresh_from_db()
    assert pending.confirmed_at is None and active.unsubscribed_at is None


def test_a_new_token_voids_old_links(client, active):
    old = path_of(unsubscribe_url(active))
    active.token = "rotated"
    active.save()
    assert client.post(old).status_code == 404
    active.refresh_from_db()
    assert active.is_active


def test_confirm_link_from_another_salt_is_refused(client, active):
    # An unsubscribe token pasted into the confirm URL must not confirm anything.
    token = path_of(unsubscribe_url(active)).removeprefix("/status/unsubscribe/")
    assert client.post(f"/status/subscribe/confirm/{token}").status_code == 404


def test_resubscribing_makes_no_duplicate_and_reveals_nothing(
    eager, client, active, django_capture_on_commit_callbacks
):
    answers = []
    for email in ("new@example.org", "SAM@example.org", "new@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/status/subscribe/", {"email": email}, follow=True)
        answers.append((response.status_code, [str(m) for m in response.context["messages"]]))
    assert answers[0] == answers[1] == answers[2]
    assert Subscriber.objects.filter(email="new@example.org").count() == 1
    assert Subscriber.objects.filter(email__iexact="sam@example.org").count() == 1
    active.refresh_from_db()
    assert active.is_active  # a stranger re-subscribing it changed nothing
    assert len([m for m in eager if m.to == ["sam@example.org"]]) == 1


def test_unsubscribed_address_resubscribes_after_confirming(
    eager, client, active, django_capture_on_commit_callbacks
):
    active.unsubscribed_at = timezone.now()
    active.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/status/subscribe/", {"email": active.email})
    active.refresh_from_db()
    assert not active.is_active  # not before the owner confirms
    (mail,) = eager
    link = next(w for w in mail.body.split() if "/subscribe/confirm/" in w)
    client.post(path_of(link))
    active.refresh_from_db()
    assert active.is_active


def test_invalid_email_is_400_with_the_error(client):
    response = client.post("/status/subscribe/", {"email": "not-an-address"})
    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content
    assert not Subscriber.objects.exists()


def test_subscribe_is_rate_limited_per_ip(eager, client, settings):
    settings.STATUS_SUBSCRIBE_RATE_IP = "3/h"
    for n in range(3):
        assert client.post("/status/subscribe/", {"email": f"p{n}@example.org"}).status_code == 302
    refused = client.post("/status/subscribe/", {"email": "p9@example.org"})
    assert refused.status_code == 429
    assert b"Too many subscriptions from your network" in refused.content
    assert not Subscriber.objects.filter(email="p9@example.org").exists()
    # Another address (another IP) is not affected.
    other = client.post("/status/subscribe/", {"email": "q@example.org"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
