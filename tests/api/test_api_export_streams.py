"""The export streams: the same queries for 1,000 incidents as for 100 (every name is
joined, nothing is fetched per row), and the memory it holds does not grow with the rows."""

import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from catalog.models import Category, ConfigurationItem, Location, Service, Team
from incidents.export import export_rows
from incidents.models import Incident

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/incidents/export.csv"


def seed(count: int, *, first: int = 0) -> None:
    """Rows straight into the table, each naming every kind of related record: this test
    measures reading, not the workflow."""
    if not Team.objects.exists():
        for i in range(5):
            User.objects.create(username=f"user{i}")
            team = Team.objects.create(name=f"Team {i}")
            Service.objects.create(name=f"Svc {i}", owner_team=team)
            Category.objects.create(name="Sub", parent=Category.objects.create(name=f"Cat {i}"))
            Location.objects.create(name=f"Site {i}")
            ConfigurationItem.objects.create(name=f"ci-{i}")
    users = list(User.objects.filter(username__startswith="user").order_by("pk"))
    teams = list(Team.objects.order_by("pk"))
    services = list(Service.objects.order_by("pk"))
    parents = list(Category.objects.filter(parent=None).order_by("pk"))
    children = list(Category.objects.exclude(parent=None).order_by("pk"))
    locations = list(Location.objects.order_by("pk"))
    items = list(ConfigurationItem.objects.order_by("pk"))
    now = timezone.now()
    Incident.objects.bulk_create(
        Incident(
            number=f"INC8{i:06d}",
            title=f"Bulk {i}",
            description="x" * 200,
            reported_at=now - timedelta(minutes=i),
            detected_at=now - timedelta(minutes=i),
            caller=users[i % 5],
            assigned_to=users[(i + 1) % 5],
            assignment_group=teams[i % 5],
            service=services[i % 5],
            category=parents[i % 5],
            subcategory=children[i % 5],
            location=locations[i % 5],
            configuration_item=items[i % 5],
        )
        for i in range(first, first + count)
    )


def export_queries(client) -> tuple[int, int]:
    """(queries, rows) of one whole export, read to its end."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(EXPORT)
        lines = b"".join(response.streaming_content).count(b"\r\n")
    assert response.status_code == 200
    return len(context.captured_queries), lines - 1


def test_the_same_queries_for_1000_incidents_as_for_100(agent_api):
    agent_api.get(EXPORT)  # warm the permission cache, as any real client has
    seed(100)
    few, rows = export_queries(agent_api)
    assert rows == 100
    seed(900, first=100)

    many, rows = export_queries(agent_api)

    assert rows == 1000
    assert many == few
    assert few == 1  # one SELECT, every name joined, read through a server-side cursor


def peak_bytes(chunk_size: int) -> int:
    tracemalloc.start()
    try:
        for _piece in export_rows(Incident.objects.order_by("pk"), chunk_size=chunk_size):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_is_bounded_by_the_chunk_not_the_rows():
    seed(2000)

    # Read 100 rows at a time, the export of 2,000 holds what a chunk of 100 holds; read
    # all at once, it holds every row.
    chunked, whole = peak_bytes(100), peak_bytes(2000)

    assert chunked * 4 < whole
