"""The recurring-incident report: services and categories with at least N incidents in
the last D days and none linked to a problem."""

from datetime import timedelta

import pytest
from django.utils import timezone

from problems.queries import recurring_candidates
from problems.workflow import problem_link_incident

pytestmark = pytest.mark.django_db


def test_counts_recent_unexplained_incidents(make_incident, category, service, problem, agent):
    for _ in range(3):
        make_incident(category=category)
    make_incident(reported_at=timezone.now() - timedelta(days=40))  # too old
    explained = make_incident()
    problem_link_incident(problem, explained, by=agent)

    rows = {(row.kind, row.name): row.incidents for row in recurring_candidates(minimum=3, days=30)}

    assert rows == {("service", service.name): 3, ("category", category.name): 3}
    assert recurring_candidates(minimum=4, days=30) == []
