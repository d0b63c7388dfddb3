"""The list, the detail and the timeline cost the same number of queries at 5 rows as at
500: every foreign key is joined, nothing is fetched per row."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from catalog.models import Category, Service, Team
from incidents.models import Incident, IncidentTimelineEntry
from tests.api.conftest import url
from tests.conftest import api_for, token_for

pytestmark = pytest.mark.django_db

LIST_BOUND = 8
DETAIL_BOUND = 6


@pytest.fixture
def catalog(team):
    """Several rows of each kind, so that a per-row lookup could not hide in one cache."""
    users = [User.objects.create(username=f"user{i}", is_active=True) for i in range(5)]
    teams = [Team.objects.create(name=f"Team {i}") for i in range(5)]
    services = [Service.objects.create(name=f"Svc {i}", owner_team=teams[i]) for i in range(5)]
    parents = [Category.objects.create(name=f"Cat {i}") for i in range(5)]
    children = [Category.objects.create(name="Sub", parent=parent) for parent in parents]
    return users, teams, services, parents, children


def seed(count: int, catalog, caller: User) -> None:
    """Rows straight into the table: this test measures reading, not the workflow."""
    users, teams, services, parents, children = catalog
    now = timezone.now()
    incidents = Incident.objects.bulk_create(
        Incident(
            number=f"INC9{i:06d}",
            title=f"Bulk {i}",
            reported_at=now - timedelta(minutes=i),
            detected_at=now - timedelta(minutes=i),
            impact=1 + i % 3,
            urgency=1 + i % 3,
            priority=1 + i % 5,
            caller=caller if i % 2 else users[i % 5],
            assigned_to=users[(i + 1) % 5],
            assignment_group=teams[i % 5],
            service=services[i % 5],
            category=parents[i % 5],
            subcategory=children[i % 5],
        )
        for i in range(count)
    )
    IncidentTimelineEntry.objects.bulk_create(
        IncidentTimelineEntry(ticket=incident, verb="created", author=users[n % 5])
        for n, incident in enumerate(incidents)
    )


def queries(client, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200, response.json()
    return len(context.captured_queries)


def measure_lists(catalog, caller, agent, count: int) -> tuple[int, int]:
    seed(count, catalog, caller)
    agent_api, caller_api = api_for(agent), api_for(caller)
    agent_api.get("/api/v1/incidents/")  # warm the permission cache, as any real client has
    caller_api.get("/api/v1/incidents/")
    agent_count = queries(agent_api, "/api/v1/incidents/", page_size=500)
    caller_count = queries(caller_api, "/api/v1/incidents/", page_size=500)
    return agent_count, caller_count


@pytest.mark.parametrize("count", [5, 500])
def test_list_is_constant(catalog, caller, agent, count, django_assert_max_num_queries):
    seed(count, catalog, caller)
    for client in (api_for(agent), api_for(caller)):
        with django_assert_max_num_queries(LIST_BOUND):
            response = client.get("/api/v1/incidents/", {"page_size": 500})
        assert response.status_code == 200
        assert len(response.json()["results"]) in (count, count // 2)


def test_list_costs_the_same_at_5_and_500(catalog, caller, agent):
    small = measure_lists(catalog, caller, agent, 5)
    Incident.objects.filter(number__startswith="INC9").delete()
    large = measure_lists(catalog, caller, agent, 500)
    assert small == large, (small, large)
    print(f"list queries (agent, caller) at 5: {small}, at 500: {large}")


def test_detail_and_timeline_cost_the_same_at_5_and_500_entries(agent, catalog, incident):
    users = catalog[0]
    client = api_for(agent)
    client.get(url(incident))
    measured = []
    for total in (5, 500):
        have = incident.timeline.count()
        IncidentTimelineEntry.objects.bulk_create(
            IncidentTimelineEntry(ticket=incident, kind="comment", body="hi", author=users[n % 5])
            for n in range(total - have)
        )
        detail = queries(client, url(incident))
        timeline = queries(client, url(incident, "timeline"), page_size=500)
        comments = queries(client, url(incident, "comments"), page_size=500)
        measured.append((detail, timeline, comments))
    assert measured[0] == measured[1], measured
    print(f"detail, timeline, comments queries at 5 and 500 entries: {measured}")
    assert max(measured[1]) <= DETAIL_BOUND


def test_reporting_an_incident_costs_the_same_however_many_are_told(
    agent, caller, service, team, django_assert_num_queries
):
    """Logging an incident over the API: who is asking (with their rights), the caller and
    the service looked up, the number, the incident with its history row and timeline
    entry, one query for everyone the event tells and one for their preferences, their
    outbox rows, the escalation policy, the response's links and its service's runbooks (a
    field alerts adds to the detail: kernel.api.details), the SLA definitions that might
    start its clocks and its clocks (the detail's ``sla``), and the savepoint the
    workflow's block becomes inside the request's transaction (the response is built before
    the commit: kernel.api.transactions). A team of 2 or of 40 and a webhook or none cost
    the same statements."""
    from rest_framework.test import APIClient

    from notifications.models import Endpoint

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(agent)}")
    body = {"title": "Checkout slow", "service": service.pk, "caller": caller.pk}
    client.post("/api/v1/incidents/", body, format="json")  # the priority matrix, warm
    counts = []
    for size in (2, 40):
        team.members.add(*(User.objects.create(username=f"m{size}-{i}") for i in range(size)))
        Endpoint.objects.create(name=f"hook {size}", url="http://127.0.0.1:9/hook", team=team)
        with CaptureQueriesContext(connection) as context:
            response = client.post("/api/v1/incidents/", body, format="json")
        assert response.status_code == 201, response.json()
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts
    print(f"queries to report an incident: {counts}")
    assert counts[0] <= 24, [q["sql"][:80] for q in context.captured_queries]


def test_an_idempotency_key_costs_a_few_statements_and_a_replay_fewer(agent, caller, service):
    """With an ``Idempotency-Key``: the key's lock, its lookup and the kept answer. The
    transaction around the request is there either way (in production the workflow's own
    becomes a savepoint in it; in this test, already in one, the request's is a savepoint):
    without a key it is ``AnswerBeforeCommit``'s, with one ``Idempotent``'s. A replay is the
    user, the lock and the lookup, and that transaction."""
    from rest_framework.test import APIClient

    from tests.conftest import token_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(agent)}")
    body = {"title": "Checkout slow", "service": service.pk, "caller": caller.pk}
    client.post("/api/v1/incidents/", body, format="json")  # the priority matrix, warm
    counts = []
    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": "k1"}, {"HTTP_IDEMPOTENCY_KEY": "k1"}):
        with CaptureQueriesContext(connection) as context:
            response = client.post("/api/v1/incidents/", body, format="json", **headers)
        assert response.status_code == 201, response.json()
        counts.append(len(context.captured_queries))
    print(f"queries to report an incident without a key, with one, replayed: {counts}")
    plain, keyed, replayed = counts
    assert keyed == plain + 3
    assert replayed == 3 + 2
