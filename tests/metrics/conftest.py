import random
from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.scope import Scope
from sla.defaults import sla_defaults_create
from tests.metrics.data import Desk, build_desk


@pytest.fixture
def desk(agent, manager, team, service, category) -> Desk:
    sla_defaults_create()  # ITIL's targets per priority: every incident gets its clocks
    return build_desk(agent, manager, team, service, category)


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
