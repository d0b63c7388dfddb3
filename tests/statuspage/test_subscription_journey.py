"""A subscriber confirms (double opt-in), receives an update with one-click unsubscribe,
unsubscribes with one POST from their mail client, and hears nothing more."""

import re

import pytest
from django.test import Client

from statuspage.models import Subscriber

pytestmark = pytest.mark.django_db

ADDRESS = "pat@example.org"


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def mails_to(outbox, address: str) -> list:
    return [m for m in outbox if address in m.to]


def test_confirm_receive_and_unsubscribe_with_one_click(
    eager, client, agent_api, incident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/status/subscribe/", {"email": ADDRESS})
    assert response.status_code == 302
    (confirmation,) = mails_to(eager, ADDRESS)
    assert Subscriber.objects.get(email=ADDRESS).confirmed_at is None
    confirm_url = next(u for u in links_in(confirmation.body) if "/subscribe/confirm/" in u)

    # Opening the link (a mail scanner, say) confirms nothing: it shows one button.
    page = client.get(path_of(confirm_url))
    assert page.status_code == 200
    assert b'<button type="submit" class="primary">Confirm</button>' in page.content
    assert Subscriber.objects.get(email=ADDRESS).confirmed_at is None
    assert client.post(path_of(confirm_url)).status_code == 302
    assert Subscriber.objects.get(email=ADDRESS).is_active

    eager.clear()
    with django_capture_on_commit_callbacks(execute=True):
        posted = agent_api.post(
            f"/api/v1/incidents/{incident.number}/status-updates/",
            {"title": "Email delays", "phase": "investigating", "body": "Mail is slow to arrive."},
            format="json",
        )
    assert posted.status_code == 201
    (update,) = mails_to(eager, ADDRESS)
    assert "Mail is slow to arrive." in update.body
    assert "Email delays" in update.subject
    unsubscribe_url = next(u for u in links_in(update.body) if "/unsubscribe/" in u)
    assert update.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert update.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = update.alternatives[0].content
    assert unsubscribe_url in html
    # Nothing internal leaks into the public mail.
    assert incident.title not in update.body and incident.description not in update.body

    # RFC 8058: the mail client POSTs, with no CSRF token and no cookie.
    mail_client = Client(enforce_csrf_checks=True)
    one_click = mail_client.post(
        path_of(unsubscribe_url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert Subscriber.objects.get(email=ADDRESS).unsubscribed_at is not None

    eager.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agent_api.post(
            f"/api/v1/incidents/{incident.number}/status-updates/",
            {"phase": "identified", "body": "A mail relay is overloaded."},
            format="json",
        )
    assert mails_to(eager, ADDRESS) == []


def test_unconfirmed_subscribers_get_no_updates(
    eager, client, incident, post_update, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/status/subscribe/", {"email": ADDRESS})
    eager.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_update(incident)
    assert mails_to(eager, ADDRESS) == []


def test_subscribers_of_other_services_get_nothing(
    eager, incident, post_update, make_service, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    wiki = make_service("Wiki")
    follows_wiki = Subscriber.objects.create(email="w@example.org", confirmed_at=timezone.now())
    follows_wiki.services.add(wiki)
    Subscriber.objects.create(email="all@example.org", confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        post_update(incident)
    assert mails_to(eager, "w@example.org") == []
    assert len(mails_to(eager, "all@example.org")) == 1
