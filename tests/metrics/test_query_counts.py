"""Every metrics endpoint answers in the same few queries whatever the number of
incidents: the work is in the database's aggregation, not in rows fetched."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.metrics.test_api import URLS

FILTERS = {"priority": [3, 4], "severity": [3], "format": "json"}


def queries_per_url(api, extra: dict) -> dict[str, int]:
    counts = {}
    for url in URLS:
        for fmt in ("json", "csv"):
            with CaptureQueriesContext(connection) as context:
                assert api.get(url, {**FILTERS, **extra, "format": fmt}).status_code == 200
            counts[f"{url} {fmt}"] = len(context.captured_queries)
    return counts


def test_the_endpoints_query_count_does_not_grow_with_the_incidents(
    agent_api, make_incident, service, team, category
):
    filters = {"service": [service.pk], "team": [team.pk], "category": [category.pk]}
    make_incident(category=category)
    agent_api.get(URLS[0])  # the first request of a process reads what it then caches
    few = queries_per_url(agent_api, filters)
    for i in range(12):
        make_incident(title=f"Printer {i}", category=category, impact=3, urgency=i % 3 + 1)
    assert queries_per_url(agent_api, filters) == few
    # Auth (the session user), the three id filters' checks, the report's own few.
    assert max(few.values()) <= 10, few
