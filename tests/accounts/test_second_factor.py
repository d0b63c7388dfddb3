"""Staff who must (managers, by MFA_REQUIRED_FOR) or chose to have an authenticator give
its code after the password; until then no admin page, nor the API, answers them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

INCIDENTS = "/admin/incidents/incident/"


def password_step(username):
    client = Client()
    response = client.post(
        "/admin/login/", {"username": username, "password": f"pw-{username}", "next": INCIDENTS}
    )
    assert response.status_code == 302 and response["Location"] == INCIDENTS
    return client


def code_of(device, ahead=0):
    return f"{totp(device.bin_key, drift=ahead):06d}"


def test_a_manager_with_an_authenticator_must_give_a_right_code(manager):
    device = TOTPDevice.objects.create(user=manager, name="Phone", confirmed=True)
    client = password_step("maria")
    asked = client.get(INCIDENTS)
    assert asked["Location"] == "/admin/mfa/verify/?next=%2Fadmin%2Fincidents%2Fincident%2F"
    page = client.get(asked["Location"]).content.decode()
    assert "Enter the 6-digit code your authenticator app shows" in page

    wrong = "000000" if code_of(device) != "000000" else "111111"
    refused = client.post("/admin/mfa/verify/", {"code": wrong, "next": INCIDENTS})
    assert "That code is wrong or has expired" in refused.content.decode()
    assert client.get(INCIDENTS)["Location"].startswith("/admin/mfa/verify/")
    # Wrong codes slow the next try down (django-otp's throttle); a moment later:
    TOTPDevice.objects.update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=2))

    accepted = client.post("/admin/mfa/verify/", {"code": code_of(device), "next": INCIDENTS})
    assert accepted.status_code == 302 and accepted["Location"] == INCIDENTS
    assert client.get(INCIDENTS).status_code == 200


def test_a_manager_without_one_sets_it_up_before_any_admin_page(manager):
    client = password_step("maria")
    for url in (INCIDENTS, "/admin/", "/admin/accounts/user/"):
        assert client.get(url)["Location"].startswith("/admin/mfa/setup/"), url
    api = client.get("/api/v1/incidents/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"

    page = client.get("/admin/mfa/setup/").content.decode()
    assert "Your role signs in with a code from an authenticator app" in page
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert device.config_url.split("secret=")[1][:4] in page.replace(" ", "")  # typed secret
    qr = client.get("/admin/mfa/setup/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content

    done = client.post("/admin/mfa/setup/", {"code": code_of(device), "next": INCIDENTS})
    text = done.content.decode()
    assert "Two-step sign-in is on" in text and text.count("<li><code>") == 10
    assert client.get(INCIDENTS).status_code == 200

    # Next time: password, then a recovery code works once in place of the app's.
    recovery = text.split("<li><code>")[1].split("</code>")[0]
    again = password_step("maria")
    assert again.post("/admin/mfa/verify/", {"code": recovery})["Location"] == "/admin/"
    third = password_step("maria")
    reused = third.post("/admin/mfa/verify/", {"code": recovery})
    assert "That code is wrong or has expired" in reused.content.decode()


def test_a_password_alone_never_adds_an_authenticator(manager):
    TOTPDevice.objects.create(user=manager, name="Phone", confirmed=True)
    client = password_step("maria")
    assert client.get("/admin/mfa/setup/")["Location"] == "/admin/mfa/verify/"
    assert client.post("/admin/mfa/setup/", {"code": "123456"})["Location"] == "/admin/mfa/verify/"
    assert client.get("/admin/mfa/setup/qr.svg").status_code == 404
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_agents_sign_in_without_one_unless_staff_must(agent, settings):
    assert password_step("alice").get(INCIDENTS).status_code == 200
    settings.MFA_REQUIRED_FOR = "staff"
    assert password_step("alice").get(INCIDENTS)["Location"].startswith("/admin/mfa/setup/")


def test_end_users_never_give_one(caller, settings):
    settings.MFA_REQUIRED_FOR = "staff"
    client = Client()
    client.post("/accounts/login/", {"username": "carl", "password": "pw-carl"})
    assert "Report an incident" in client.get("/").content.decode()
