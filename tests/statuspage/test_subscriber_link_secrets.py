"""A subscriber's confirm and unsubscribe links act for them, so they reach their mailbox
and nobody else: the links in their mail work, while the notification rows and the
delivery log every agent and manager reads hold no signed token."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client

from notifications.enums import EventKind
from notifications.models import Notification
from statuspage.links import confirm_url, unsubscribe_url
from statuspage.models import Subscriber

pytestmark = pytest.mark.django_db

ADDRESS = "pat@example.org"
# django.core.signing: base64 payload, base62 timestamp, base64 HMAC (SHA-256).
SIGNED = re.compile(r"[\w-]+:[0-9A-Za-z]+:[\w-]{27,}")


def link_in(mail, path: str) -> str:
    """The path of the one link to ``path`` in the mail's text and HTML (the same link)."""
    found = {
        re.sub(r"^https?://[^/]+", "", url)
        for text in (mail.body, str(mail.alternatives[0].content))
        for url in re.findall(r"https?://[^\s\"<>]+", text)
        if path in url
    }
    assert len(found) == 1, found
    return found.pop()


def assert_no_token_stored_or_shown(manager, *tokens: str) -> None:
    rows = list(Notification.objects.filter(address=ADDRESS))
    assert rows
    admin = Client()
    admin.force_login(manager)
    pages = {"changelist": admin.get("/admin/notifications/notification/")}
    for row in rows:
        stored = f"{row.url} {row.body} {row.payload}"
        assert not SIGNED.search(stored), stored
        assert all(token not in stored for token in tokens)
        pages[str(row.pk)] = admin.get(f"/admin/notifications/notification/{row.pk}/change/")
    for where, page in pages.items():
        assert page.status_code == 200, where
        html = page.content.decode()
        assert ADDRESS in html, where  # the row is there, only without its links
        assert all(token not in html for token in tokens), where
        assert "/subscribe/confirm/" not in html and "/status/unsubscribe/" not in html, where


def test_links_reach_the_subscriber_only_and_work(
    eager, client, manager, agent_api, incident, make_service, django_capture_on_commit_callbacks
):
    wiki = make_service("Wiki")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/status/subscribe/", {"email": ADDRESS, "services": [incident.service_id]})
    (confirmation,) = eager
    confirm = link_in(confirmation, "/subscribe/confirm/")
    assert "Confirm your subscription" in confirmation.body
    assert_no_token_stored_or_shown(manager, confirm.split("/")[-2])

    assert client.post(confirm).status_code == 302
    subscriber = Subscriber.objects.get(email=ADDRESS)
    assert subscriber.is_active
    # The services chosen, kept in the row's data, are what the built link confirmed.
    assert list(subscriber.services.all()) == [incident.service]
    assert wiki not in subscriber.services.all()

    eager.clear()
    with django_capture_on_commit_callbacks(execute=True):
        posted = agent_api.post(
            f"/api/v1/incidents/{incident.number}/status-updates/",
            {"title": "Email delays", "phase": "investigating", "body": "Mail is slow."},
            format="json",
        )
    assert posted.status_code == 201
    (update,) = eager
    unsubscribe = link_in(update, "/status/unsubscribe/")
    assert update.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert_no_token_stored_or_shown(manager, confirm.split("/")[-2], unsubscribe.split("/")[-2])

    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_the_migration_strips_links_stored_before(
    eager, client, incident, post_update, make_service, django_capture_on_commit_callbacks
):
    """Rows written before: the confirm link as the row's url, the unsubscribe link in its
    payload. The migration removes both; an unsent confirmation keeps its services."""
    strip = import_module("statuspage.migrations.0002_strip_subscriber_links")
    wiki = make_service("Wiki")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/status/subscribe/", {"email": ADDRESS, "services": [wiki.pk]})
    subscriber = Subscriber.objects.get(email=ADDRESS)
    old_confirm = confirm_url(subscriber, [wiki.pk])
    confirm_row = Notification.objects.get(kind=EventKind.STATUS_SUBSCRIPTION)
    confirm_row.url = old_confirm
    confirm_row.payload = {"page": "Status", "unsubscribe_url": ""}
    confirm_row.save()
    subscriber.confirmed_at = confirm_row.created_at
    subscriber.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_update(incident)
    update_row = Notification.objects.get(kind=EventKind.STATUS_UPDATE, address=ADDRESS)
    old_unsubscribe = unsubscribe_url(subscriber)
    update_row.payload = {**update_row.payload, "unsubscribe_url": old_unsubscribe}
    update_row.save()

    strip.strip_subscriber_links(apps, None)

    confirm_row.refresh_from_db()
    update_row.refresh_from_db()
    assert confirm_row.url == "http://localhost:8000/status/"
    assert confirm_row.payload == {"page": "Status", "services": [wiki.pk]}
    assert "unsubscribe_url" not in update_row.payload
    assert update_row.payload["phase"] == "investigating"
    for row in Notification.objects.all():
        assert not SIGNED.search(f"{row.url} {row.payload}"), row
