"""The portal's fixtures: signed-in clients, a clean rate-limit cache, media in tmp."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import ReportingGrant, User
from catalog.models import Service, Team


@pytest.fixture(autouse=True)
def _clean_counters() -> None:
    # django-ratelimit's counters live in the (process-wide) default cache.
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def portal(caller: User) -> Client:
    """The caller, signed in to the portal."""
    return signed_in(caller)


@pytest.fixture
def internal_service(team: Team) -> Service:
    return Service.objects.create(name="Payroll batch", owner_team=team, is_public=False)


@pytest.fixture
def report_data() -> Callable[..., dict[str, Any]]:
    def make(**fields: Any) -> dict[str, Any]:
        data = {
            "title": "Cannot send email",
            "description": "Outlook says the server is unreachable.",
            "who": "me",
            "can_work": "no",
            "contact_by": "email",
            "phone": "",
            "submit": "1",
        }
        data.update(fields)
        return data

    return make


@pytest.fixture
def boss(db: None) -> User:
    return User.objects.create_user(
        "bea", email="bea@example.com", password="pw-bea", first_name="Bea"
    )


@pytest.fixture
def grant(caller: User, boss: User, manager: User) -> ReportingGrant:
    """The caller (an assistant) may report for the boss."""
    return ReportingGrant.objects.create(reporter=caller, on_behalf_of=boss, granted_by=manager)
