"""A webhook endpoint's signing secret is shown once: on the page answering the save that
created it, or the rotation that replaced it. The change form, the list and view-only
users see only its first characters; webhooks are signed with the current one."""

import time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications import signing
from notifications.channels import send_webhook
from notifications.enums import Channel
from notifications.models import Endpoint, Notification
from tests.notifications.harness import Receiver

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notifications_endpoint_changelist"


def staff_with(username: str, *codenames: str) -> Client:
    user = User.objects.create_user(username=username, password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="notifications", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


def change_url(endpoint: Endpoint) -> str:
    return reverse("admin:notifications_endpoint_change", args=[endpoint.pk])


def rotate_url(endpoint: Endpoint) -> str:
    return reverse("admin:notifications_endpoint_rotate_secret", args=[endpoint.pk])


def test_created_secret_is_shown_once_then_never(receiver: Receiver):
    admin = staff_with("ops", "add_endpoint", "change_endpoint", "view_endpoint")
    viewer = staff_with("auditor", "view_endpoint")
    add = admin.get(reverse("admin:notifications_endpoint_add"))
    assert "whsec_" not in add.content.decode() and 'name="secret"' not in add.content.decode()

    answer = admin.post(
        reverse("admin:notifications_endpoint_add"),
        {"name": "Chat", "url": receiver.url + "/hook", "format": "standard"},
    )
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    endpoint = Endpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    body = answer.content.decode()
    assert endpoint.secret in body and "paste it into the receiver" in body
    assert LogEntry.objects.get().object_id == str(endpoint.pk)  # the usual "Added" row

    for client in (admin, viewer):
        for page in (client.get(change_url(endpoint)), client.get(reverse(CHANGELIST))):
            html = page.content.decode()
            assert page.status_code == 200 and endpoint.secret not in html
            assert endpoint.secret_hint in html
    assert "Rotate signing secret" in admin.get(change_url(endpoint)).content.decode()
    assert "Rotate signing secret" not in viewer.get(change_url(endpoint)).content.decode()

    # Posting a secret with a change is ignored: it is never typed in.
    saved = admin.post(
        change_url(endpoint),
        {"name": "Chat", "url": endpoint.url, "format": "standard", "secret": "x"},
    )
    assert saved.status_code == 302
    assert Endpoint.objects.get().secret == endpoint.secret


def test_rotation_shows_the_new_secret_once_and_signs_with_it(receiver: Receiver):
    endpoint = Endpoint.objects.create(name="Chat", url=receiver.url + "/hook")
    old = endpoint.secret
    admin = staff_with("ops", "change_endpoint", "view_endpoint")
    viewer = staff_with("auditor", "view_endpoint")

    assert viewer.get(rotate_url(endpoint)).status_code == 403
    assert viewer.post(rotate_url(endpoint)).status_code == 403
    confirm = admin.get(rotate_url(endpoint))  # asks first, changes nothing
    assert confirm.status_code == 200 and Endpoint.objects.get().secret == old
    assert old not in confirm.content.decode()

    answer = admin.post(rotate_url(endpoint))
    endpoint.refresh_from_db()
    new = endpoint.secret
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert new != old and new in answer.content.decode() and old not in answer.content.decode()
    log = LogEntry.objects.get(object_id=str(endpoint.pk))
    assert log.get_change_message() == "Rotated the signing secret." and log.user.username == "ops"
    for client in (admin, viewer):
        assert new not in client.get(change_url(endpoint)).content.decode()

    row = Notification(channel=Channel.WEBHOOK, endpoint=endpoint, payload={"n": 1})
    send_webhook(row)
    (received,) = receiver.received
    assert signing.verify(new, received.headers, received.body, now=int(time.time()))
    assert not signing.verify(old, received.headers, received.body, now=int(time.time()))
