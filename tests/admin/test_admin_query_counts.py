"""The console's pages cost the same number of queries at 5 rows as at 500: related rows
are joined (list_select_related, select_related on the timeline) and the foreign keys use
autocomplete widgets, which load only the selected row, never the whole catalog.

Bulk inserts set up the big cases quickly; they bypass the workflow on purpose, as only
the reads are under test here."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Category, Service, Team
from incidents.models import Incident, IncidentTimelineEntry
from kernel.numbering import format_number
from tests.admin.conftest import change_url, changelist_url

pytestmark = pytest.mark.django_db

BOUND = 30
_numbers = itertools.count(9_000_000)


def add_incidents(n, *, agent, team, service, caller):
    Incident.objects.bulk_create(
        Incident(
            number=format_number("INC", next(_numbers)),
            title=f"Bulk {i}",
            reported_at=timezone.now(),
            caller=caller,
            service=service,
            assignment_group=team,
            assigned_to=agent,
            priority=1 + i % 5,
            status=1 + i % 3,
        )
        for i in range(n)
    )


def add_timeline(incident, n, *, author):
    IncidentTimelineEntry.objects.bulk_create(
        IncidentTimelineEntry(ticket=incident, kind=kind, verb="note", body="x", author=author)
        for kind, _ in zip(itertools.cycle(["work_note", "comment"]), range(n), strict=False)
    )


def add_catalog(n, start=0):
    owner, _ = Team.objects.get_or_create(name="Owner of many")
    numbers = range(start, start + n)
    Team.objects.bulk_create(Team(name=f"Team {i}") for i in numbers)
    Service.objects.bulk_create(Service(name=f"Service {i}", owner_team=owner) for i in numbers)
    Category.objects.bulk_create(Category(name=f"Category {i}") for i in numbers)


def warm_up(client, url):
    # The first request fills process-wide caches (content types); only later ones count.
    assert client.get(url).status_code == 200


def count(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(BOUND), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_changelist(agent_client, agent, team, service, caller, django_assert_max_num_queries):
    people = {"agent": agent, "team": team, "service": service, "caller": caller}
    add_incidents(5, **people)
    warm_up(agent_client, changelist_url())
    small = count(agent_client, changelist_url(), django_assert_max_num_queries)
    add_incidents(495, **people)
    add_catalog(500)
    big = count(agent_client, changelist_url(), django_assert_max_num_queries)

    print(f"changelist: {small} queries at 5 incidents, {big} at 500")
    assert big == small


def test_change_form_with_a_long_timeline_and_a_big_catalog(
    agent_client, agent, incident, category, subcategory, django_assert_max_num_queries
):
    from incidents.workflow import incident_update

    incident = incident_update(
        incident,
        by=agent,
        changes={"category": category, "subcategory": subcategory, "assigned_to": agent},
    )
    add_timeline(incident, 5 - incident.timeline.count(), author=agent)
    add_catalog(5)
    warm_up(agent_client, change_url(incident))
    small = count(agent_client, change_url(incident), django_assert_max_num_queries)
    add_timeline(incident, 495, author=agent)
    add_catalog(495, start=5)
    big = count(agent_client, change_url(incident), django_assert_max_num_queries)

    print(f"change form: {small} queries at 5 timeline/catalog rows, {big} at 500")
    assert big == small
    assert incident.timeline.count() == 500
    assert Service.objects.count() >= 500 and Category.objects.count() >= 500


def test_add_form_with_a_big_catalog(agent_client, django_assert_max_num_queries):
    url = reverse("admin:incidents_incident_add")
    add_catalog(5)
    warm_up(agent_client, url)
    small = count(agent_client, url, django_assert_max_num_queries)
    add_catalog(495, start=5)
    big = count(agent_client, url, django_assert_max_num_queries)

    print(f"add form: {small} queries at 5 catalog rows, {big} at 500")
    assert big == small
