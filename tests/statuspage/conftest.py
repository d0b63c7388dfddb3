"""Status page fixtures: public services, posting updates through the workflow, Celery
eager with Django's locmem mailer (so delivery runs through the real outbox in-process)."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import User
from catalog.models import Service, Team
from incidents.models import Incident
from servicedesk.celery import app
from statuspage.models import PublicIncident, StatusUpdate
from statuspage.workflow import status_update_post


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    # The rate limiter counts in the cache, which lives as long as the test process.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eager(settings: Any, mailoutbox: list[Any]) -> Iterator[list[Any]]:
    """Tasks run in-process after commit, mail lands in ``mailoutbox``."""
    was = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    yield mailoutbox
    app.conf.task_always_eager = was


@pytest.fixture
def make_service(team: Team) -> Callable[..., Service]:
    def make(name: str, **fields: Any) -> Service:
        return Service.objects.create(name=name, owner_team=team, **fields)

    return make


@pytest.fixture
def post_update(agent: User) -> Callable[..., StatusUpdate]:
    """``post_update(incident, body=..., phase=..., impact=..., title=...)`` as the agent;
    the first one gets a public title unless told otherwise."""

    def post(incident: Incident, **fields: Any) -> StatusUpdate:
        fields.setdefault("body", "We are looking into failures sending mail.")
        fields.setdefault("phase", "investigating")
        if not PublicIncident.objects.filter(incident=incident).exists():
            fields.setdefault("title", "Email delivery delays")
        by = fields.pop("by", agent)
        return status_update_post(incident, by=by, **fields)

    return post
