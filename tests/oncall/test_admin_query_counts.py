"""The on-call pages of the console take as many queries with many rotations, members,
overrides and levels as with one: rows are prefetched, not fetched one by one."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oncall.models import EscalationLevel, EscalationPolicy, Override, Schedule
from tests.conftest import _user

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def build(team, make_rotation):
    def make(size: int) -> tuple[Schedule, EscalationPolicy]:
        people = [_user(f"p{size}-{i}", groups=("Agents",), staff=True) for i in range(3)]
        schedule = Schedule.objects.create(team=team, name=f"S{size}", time_zone="Europe/Paris")
        policy = EscalationPolicy.objects.create(name=f"P{size}", team=team, page_priorities=[1])
        now = timezone.now()
        for i in range(size):
            make_rotation(people, schedule=schedule, starts_on=date(2026, 1, 5 + i))
            Override.objects.create(
                schedule=schedule,
                user=people[i % 3],
                starts_at=now + timedelta(days=i),
                ends_at=now + timedelta(days=i, hours=8),
            )
            EscalationLevel.objects.create(policy=policy, position=i, user=people[i % 3])
        return schedule, policy

    return make


@pytest.mark.parametrize("role", ["manager", "agent"])
def test_pages_are_constant_in_their_rows(build, request, role):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    small, large = build(1), build(8)
    # Warm the caches (permissions, content types) that only the first request fills.
    client.get(reverse("admin:oncall_schedule_change", args=[small[0].pk]))
    client.get(reverse("admin:oncall_escalationpolicy_change", args=[small[1].pk]))
    counts = []
    for schedule, policy in (small, large):
        counts.append(
            (
                _queries(client, reverse("admin:oncall_schedule_change", args=[schedule.pk])),
                _queries(client, reverse("admin:oncall_escalationpolicy_change", args=[policy.pk])),
            )
        )
    assert counts[0] == counts[1], counts


def test_the_schedule_list_and_the_team_answer_are_constant(
    team, make_rotation, agent, other_agent, agent_api
):
    client = Client()
    client.force_login(agent)
    url = reverse("admin:oncall_schedule_changelist")
    api = f"/api/v1/teams/{team.pk}/oncall/"
    counts = []
    for total in (2, 10):
        while Schedule.objects.count() < total:
            schedule = Schedule.objects.create(team=team, name=f"S{Schedule.objects.count()}")
            make_rotation([agent, other_agent], schedule=schedule, starts_on=date(2026, 1, 5))
        client.get(url)  # warm the caches the first request fills
        agent_api.get(api)
        with CaptureQueriesContext(connection) as listing:
            assert " until " in client.get(url).content.decode()
        with CaptureQueriesContext(connection) as answer:
            assert len(agent_api.get(api).json()["schedules"]) == total
        counts.append((len(listing.captured_queries), len(answer.captured_queries)))
    assert counts[0] == counts[1], counts
