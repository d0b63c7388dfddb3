from collections.abc import Callable
from datetime import date, time, timedelta

import pytest

from accounts.models import User
from catalog.models import Team
from oncall.models import EscalationLevel, EscalationPolicy, Rotation, RotationMember, Schedule

# The real-worker fixtures (a Celery worker subprocess on the test database and broker).
from tests.notifications.conftest import (  # noqa: F401
    broker_url,
    database_url,
    mail_dir,
    spawn_worker,
)


@pytest.fixture
def make_rotation(team: Team) -> Callable[..., Rotation]:
    def make(
        members: list[User],
        *,
        tz: str = "UTC",
        period: str = "daily",
        handoff: time = time(9),
        starts_on: date = date(2026, 3, 23),
        schedule: Schedule | None = None,
    ) -> Rotation:
        schedule = schedule or Schedule.objects.create(team=team, name="Primary", time_zone=tz)
        rotation = Rotation.objects.create(
            schedule=schedule, period=period, handoff_time=handoff, starts_on=starts_on
        )
        for position, user in enumerate(members):
            RotationMember.objects.create(rotation=rotation, user=user, position=position)
        return rotation

    return make


@pytest.fixture
def policy(team: Team, agent: User, other_agent: User) -> EscalationPolicy:
    """P1/P2 and SEV1/SEV2 page alice, then bob, then the team's manager, 2 s apart."""
    policy = EscalationPolicy.objects.create(
        name="Major incidents", team=team, page_priorities=[1, 2], page_severities=[1, 2]
    )
    delay = timedelta(seconds=2)
    EscalationLevel.objects.create(policy=policy, position=0, user=agent, delay=delay)
    EscalationLevel.objects.create(policy=policy, position=1, user=other_agent, delay=delay)
    EscalationLevel.objects.create(policy=policy, position=2, team_manager=True, delay=delay)
    return policy
