"""The changelist machinery that keeps big desks fast still behaves like Django's:
the date drill-down, and counts (estimated only when the list is unfiltered)."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kernel.admin import lists as admin_lists

URL = "/admin/incidents/incident/"
pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12))


def test_date_drill_down_from_years_to_days(agent_client, make_incident):
    make_incident(reported_at=at(2025, 11, 3))
    make_incident(reported_at=at(2026, 2, 10))
    make_incident(reported_at=at(2026, 2, 12))

    page = agent_client.get(URL).content.decode()
    assert "?reported_at__year=2025" in page and "?reported_at__year=2026" in page

    page = agent_client.get(URL, {"reported_at__year": 2026}).content.decode()
    assert "reported_at__month=2" in page  # only months that hold incidents' span
    assert "reported_at__month=1" not in page and "reported_at__month=3" not in page

    response = agent_client.get(URL, {"reported_at__year": 2026, "reported_at__month": 2})
    page = response.content.decode()
    assert "reported_at__day=10" in page and "reported_at__day=12" in page
    assert "reported_at__day=13" not in page
    assert response.context["cl"].result_count == 2


def test_unfiltered_list_uses_the_table_estimate_above_the_limit(
    agent_client, make_incident, monkeypatch
):
    assert connection.vendor == "postgresql", "the estimate is PostgreSQL's statistics"
    for _ in range(3):
        make_incident()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_incident")
    monkeypatch.setattr(admin_lists, "EXACT_COUNT_LIMIT", 0)

    with CaptureQueriesContext(connection) as queries:
        response = agent_client.get(URL, {"open": "all"})  # the bare list shows open ones
    assert response.context["cl"].result_count == 3
    assert not [q for q in queries if "COUNT(*)" in q["sql"]]

    with CaptureQueriesContext(connection) as queries:
        response = agent_client.get(URL, {"status__exact": 1})
    assert response.context["cl"].result_count == 3
    assert [q for q in queries if "COUNT(*)" in q["sql"]]  # filtered lists count exactly
