"""The agents' home (the admin index): the queues with their counts, each linking to the
list that shows the same rows; the charts; the app list still reachable; the same number
of queries at 5 and at 500 incidents."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from oncall.models import Rotation, RotationMember, Schedule
from tests.admin.test_admin_query_counts import add_incidents

pytestmark = pytest.mark.django_db

HOME = "/admin/"


@pytest.fixture(autouse=True)
def _fresh_figures(settings):
    """Every request reads the shared figures afresh (the cache would carry them from one
    test to the next); ``test_the_shared_figures_are_read_once_a_minute`` turns it on."""
    settings.HOME_REFRESH_SECONDS = 0


def queue(response, label):
    """(count, url) of the queue tile named ``label``."""
    for tile in response.context["queues"]:
        if tile.label == label:
            return tile.count, tile.url
    raise AssertionError(f"no queue {label!r} on the home")


def test_the_queues_count_what_their_lists_show(agent_client, agent, make_incident, team):
    mine = make_incident(assigned_to=agent)
    make_incident()  # unassigned in the agent's group
    make_incident(assigned_to=agent, title="Not mine to count twice")
    response = agent_client.get(HOME)
    assert response.status_code == 200
    for label in ("My open incidents", "Unassigned in my groups"):
        count, url = queue(response, label)
        listed = agent_client.get(url)
        assert listed.context["cl"].result_count == count, label
    assert queue(response, "My open incidents")[0] == 2
    assert queue(response, "Unassigned in my groups")[0] == 1
    page = response.content.decode()
    assert mine.number not in page  # counts, not rows
    for label in (
        "Breaching soon",
        "Breached",
        "Open major incidents",
        "Changes awaiting my approval",
        "My overdue action items",
    ):
        assert label in page
    assert "Recent actions" not in page
    assert "All apps and models" in page  # the app list, folded
    assert reverse("admin:incidents_incident_changelist") in page


def test_the_charts_are_svg_with_their_numbers(agent_client, make_incident):
    make_incident(impact=1, urgency=1)
    page = agent_client.get(HOME).content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
    assert "Open incidents by priority" in page
    assert "Created and resolved, last 14 days" in page
    assert "MTTA and MTTR, weekly medians" in page
    assert "1 created, 0 resolved in 14 days." in page


def test_who_is_on_call_now_for_my_teams(agent_client, agent, other_agent, team):
    schedule = Schedule.objects.create(team=team, name="Primary", time_zone="Europe/Paris")
    rotation = Rotation.objects.create(
        schedule=schedule,
        starts_on=(timezone.now() - timedelta(days=3)).date(),
        period=Rotation.Period.WEEKLY,
    )
    RotationMember.objects.create(rotation=rotation, user=other_agent, position=0)
    page = agent_client.get(HOME).content.decode()
    assert "On call now for my teams" in page
    assert "Service Desk: Primary" in page
    assert "<strong>Bob</strong>" in page


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(queries)


def test_the_same_queries_at_5_and_500_incidents(agent_client, agent, team, service, caller):
    people = {"agent": agent, "team": team, "service": service, "caller": caller}
    add_incidents(5, **people)
    count_queries(agent_client)  # fills process-wide caches (content types)
    small = count_queries(agent_client)
    add_incidents(495, **people)
    Incident.objects.filter(pk__in=Incident.objects.values("pk")[:100]).update(assigned_to=None)
    big = count_queries(agent_client)
    print(f"home: {small} queries at 5 incidents, {big} at 500")
    assert big == small
    assert small <= 25


def test_the_shared_figures_are_read_once_a_minute(agent_client, make_incident, settings):
    from django.core.cache import cache

    make_incident(impact=1, urgency=1)
    count_queries(agent_client)  # fills process-wide caches (content types)
    uncached = count_queries(agent_client)
    settings.HOME_REFRESH_SECONDS = 60
    cache.clear()
    assert count_queries(agent_client) == uncached  # computes and keeps them
    make_incident(impact=1, urgency=1)
    with CaptureQueriesContext(connection) as queries:
        page = agent_client.get(HOME).content.decode()
    # The charts (4 statements) and the SLA queues (2) come from the cache: the same
    # figures as a minute ago, six statements fewer.
    assert len(queries) == uncached - 6
    assert "1 created, 0 resolved in 14 days." in page
    assert queue(agent_client.get(HOME), "Unassigned in my groups")[0] == 2  # not cached
