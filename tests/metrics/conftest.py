import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from catalog.models import Category, Service, Team
from metrics.scope import Scope
from sla.defaults import sla_defaults_create
from tests.conftest import _user
from tests.metrics.data import Desk, build_desk


@pytest.fixture
def desk(agent, manager, team, service, category) -> Desk:
    sla_defaults_create()  # ITIL's targets per priority: every incident gets its clocks
    return build_desk(agent, manager, team, service, category)


@contextmanager
def desk_for_the_module(django_db_blocker: Any) -> Iterator[Desk]:
    """The generated desk (``desk`` above: the same people, catalog and incidents) built
    once, for a module whose tests only read it: 40 incidents through the workflow take
    seconds, each time. Rolled back at the end; each test's own transaction nests inside
    this one. Its foreign keys are checked once here, so no test's savepoint checks them
    again. A module using it takes its people from it (``people_of_the_desk``)."""
    md5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests.conftest's
    blocker, fast = django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=md5)
    with blocker, fast, transaction.atomic():
        agent = _user("alice", groups=("Agents",), staff=True)
        other_agent = _user("bob", groups=("Agents",), staff=True)
        manager = _user("maria", groups=("Managers",), staff=True)
        team = Team.objects.create(name="Service Desk", email="desk@example.com", manager=manager)
        team.members.add(agent, other_agent, manager)
        service = Service.objects.create(name="Email", owner_team=team, criticality=2)
        category = Category.objects.create(name="Software")
        sla_defaults_create()
        built = build_desk(agent, manager, team, service, category)
        connection.check_constraints()
        yield built
        transaction.set_rollback(True)


def sampled_scopes(desk: Desk, count: int = 14, seed: int = 2026) -> list[Scope]:
    """The whole history, then random periods with random filter combinations."""
    rng = random.Random(seed)
    now = timezone.now()
    scopes = [Scope(start=now - timedelta(days=200), end=now, now=now)]
    for _ in range(count):
        start = now - timedelta(days=rng.uniform(20, 130))
        end = start + timedelta(days=rng.uniform(7, 120))

        def some(values: list[int]) -> tuple[int, ...]:
            return tuple(rng.sample(values, rng.randint(1, 2))) if rng.random() < 0.4 else ()

        scopes.append(
            Scope(
                start=start,
                end=end,
                now=now,
                services=some([s.pk for s in desk.services]),
                teams=some([t.pk for t in desk.teams]),
                priorities=some([2, 3, 4, 5]),
                severities=some([3, 4]),
                categories=some([c.pk for c in desk.categories]),
            )
        )
    return scopes
