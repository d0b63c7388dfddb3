"""Signing in and out, staff sent to the admin, no open redirects, password reset by mail."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_sign_in_page_has_the_fields(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'id="id_username"' in page and 'id="id_password"' in page
    assert '<button type="submit">Sign in</button>' in page
    assert "csrfmiddlewaretoken" in page


def test_end_user_signs_in_to_home_and_out(client, caller):
    response = client.post("/accounts/login/", {"username": "carl", "password": "pw-carl"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Report an incident" in client.get("/").content.decode()
    assert client.get("/accounts/logout/").status_code == 405  # POST only
    out = client.post("/accounts/logout/")
    assert out.status_code == 302 and out["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_wrong_password_says_so(client, caller):
    response = client.post("/accounts/login/", {"username": "carl", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_staff_are_sent_to_the_admin(client, agent):
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    assert response["Location"] == "/admin/"
    assert client.get("/")["Location"] == "/admin/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_next_cannot_leave_the_site(client, caller, target):
    response = client.post(
        "/accounts/login/", {"username": "carl", "password": "pw-carl", "next": target}
    )
    assert response["Location"] == "/"


def test_next_on_the_site_is_followed(client, caller, incident):
    url = f"/incidents/{incident.number}/"
    response = client.post(
        "/accounts/login/", {"username": "carl", "password": "pw-carl", "next": url}
    )
    assert response["Location"] == url


def test_password_reset_by_mail(client, caller, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    response = client.post("/accounts/password-reset/", {"email": "carl@example.com"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert "Check your email" in client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == ["carl@example.com"]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-Long-new-pass-42", "new_password2": "a-Long-new-pass-42"},
    )
    assert done["Location"] == "/accounts/password-reset/complete/"
    signed_in = client.post(
        "/accounts/login/", {"username": "carl", "password": "a-Long-new-pass-42"}
    )
    assert signed_in["Location"] == "/"


def test_password_reset_for_unknown_address_reveals_nothing(client, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []
