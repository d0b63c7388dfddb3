"""Guessing tokens: after API_TOKEN_FAILURE_LIMIT wrong tokens from one address, that
address is refused (429, Retry-After) for the window, even with a valid token, without a
database query; other addresses are not affected."""

import secrets

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.conftest import token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def get(token: str, address: str):
    return APIClient().get(
        "/api/v1/incidents/", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address
    )


def test_one_address_guessing_is_blocked_and_others_are_not(
    agent, other_agent, django_assert_num_queries
):
    limit = settings.API_TOKEN_FAILURE_LIMIT
    valid, valid_elsewhere = token_for(agent), token_for(other_agent)
    statuses = [
        get(f"sd_{secrets.token_urlsafe(32)}", "203.0.113.7").status_code for _ in range(100)
    ]
    assert statuses == [401] * limit + [429] * (100 - limit)

    with django_assert_num_queries(0):  # refused from the cache alone
        blocked = get(f"sd_{secrets.token_urlsafe(32)}", "203.0.113.7")
    assert blocked.status_code == 429 and blocked.json()["code"] == "throttled"
    assert 0 < int(blocked["Retry-After"]) <= settings.API_TOKEN_FAILURE_WINDOW
    # The guessing address learns nothing more, not even from a right guess...
    assert get(valid, "203.0.113.7").status_code == 429
    # ...while everyone else carries on.
    assert get(valid_elsewhere, "198.51.100.2").status_code == 200
    assert get(f"sd_{secrets.token_urlsafe(32)}", "198.51.100.2").status_code == 401


def test_expired_window_lets_the_address_try_again(agent):
    for _ in range(settings.API_TOKEN_FAILURE_LIMIT):
        get("wrong", "203.0.113.8")
    assert get(token_for(agent), "203.0.113.8").status_code == 429
    cache.delete("api-token-blocked:203.0.113.8")  # what the window's end does
    assert get(token_for(agent), "203.0.113.8").status_code == 200


def test_an_ipv6_client_is_counted_by_its_64(agent):
    for n in range(settings.API_TOKEN_FAILURE_LIMIT):
        get("wrong", f"2001:db8:0:1::{n + 1:x}")
    assert get(token_for(agent), "2001:db8:0:1:ffff::1").status_code == 429
    assert get(token_for(agent), "2001:db8:0:2::1").status_code == 200
