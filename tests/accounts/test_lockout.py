"""Wrong passwords pause one username from one address (django-axes): the right password
is then refused from there, with a page saying until when, while the same user from
elsewhere and other users from the same address sign in; after the cool-off it works."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

IP1, IP2 = "203.0.113.5", "198.51.100.7"
LOGINS = {"admin": "/admin/login/", "portal": "/accounts/login/"}


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def sign_in_with(url, username, password, ip):
    client = Client(REMOTE_ADDR=ip)
    return client.post(url, {"username": username, "password": password, "next": ""})


def signed_in(response):
    return response.status_code == 302 and "login" not in response["Location"]


@pytest.mark.parametrize("face", ["admin", "portal"])
def test_wrong_passwords_pause_one_username_from_one_address(face, agent, other_agent):
    url = LOGINS[face]
    for _ in range(2):
        wrong = sign_in_with(url, "alice", "guess", IP1)
        assert wrong.status_code == 200 and not signed_in(wrong)
    assert sign_in_with(url, "alice", "guess", IP1).status_code == 429  # the third pauses

    locked = sign_in_with(url, "alice", "pw-alice", IP1)
    page = locked.content.decode()
    assert locked.status_code == 429 and not signed_in(locked)
    assert "Too many wrong passwords" in page and "alice" in page
    until = timezone.localtime(AccessAttempt.objects.get().attempt_time + timedelta(minutes=15))
    assert until.strftime("%H:%M") in page and "15 minutes" in page
    assert 890 <= int(locked["Retry-After"]) <= 900
    # The page is the face's own: the admin's, or the portal's with its reset link.
    assert ("Back to the login page" in page) == (face == "admin")
    assert ("/accounts/password-reset/" in page) == (face == "portal")

    assert signed_in(sign_in_with(url, "alice", "pw-alice", IP2)), "same user, other address"
    assert signed_in(sign_in_with(url, "bob", "pw-bob", IP1)), "other user, same address"


def test_after_the_cool_off_the_right_password_works_again(agent):
    for _ in range(3):
        sign_in_with("/admin/login/", "alice", "guess", IP1)
    assert sign_in_with("/admin/login/", "alice", "pw-alice", IP1).status_code == 429
    # Refused tries while paused did not push the end back: 15 minutes from the third.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert signed_in(sign_in_with("/admin/login/", "alice", "pw-alice", IP1))
    assert not AccessAttempt.objects.exists()  # a success clears the count


def test_the_address_is_the_one_the_server_saw_not_a_header(agent):
    for _ in range(3):
        Client(REMOTE_ADDR=IP1).post(
            "/admin/login/",
            {"username": "alice", "password": "guess"},
            HTTP_X_FORWARDED_FOR=IP2,
            HTTP_X_REAL_IP=IP2,
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {IP1}
    assert signed_in(sign_in_with("/admin/login/", "alice", "pw-alice", IP2))


def test_a_manager_sees_and_lifts_a_lockout_in_the_admin(agent, manager):
    for _ in range(3):
        sign_in_with("/admin/login/", "alice", "guess", IP1)
    desk = Client()
    desk.force_login(manager)
    listing = desk.get("/admin/axes/accessattempt/?locked_out=yes").content.decode()
    assert "alice" in listing and IP1 in listing and "Locked Out" in listing
    attempt = AccessAttempt.objects.get()
    lifted = desk.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert lifted.status_code == 302
    assert signed_in(sign_in_with("/admin/login/", "alice", "pw-alice", IP1))
