"""Every new problem page costs the same number of queries at 5 rows as at 500: the
admin list, change form (500 linked incidents and timeline entries), the known-error
list, the incident form with its suggestions, and the API lists."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from kernel.numbering import format_number
from problems.models import Problem, ProblemIncident, ProblemTimelineEntry, Status
from tests.admin.conftest import change_url, client_for
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

_numbers = itertools.count(8_000_000)


def add_problems(n, *, service, team, agent, known=False):
    now = timezone.now()
    return Problem.objects.bulk_create(
        Problem(
            number=format_number("PRB", next(_numbers)),
            title=f"Bulk {i}",
            service=service,
            assignment_group=team,
            assigned_to=agent,
            status=Status.ASSESS,
            known_error=known,
            known_error_at=now if known else None,
            workaround="Webmail" if known else "",
        )
        for i in range(n)
    )


def link_incidents(problem, n, *, service, caller):
    incidents = Incident.objects.bulk_create(
        Incident(
            number=format_number("INC", next(_numbers)),
            title="Linked",
            reported_at=timezone.now(),
            caller=caller,
            service=service,
        )
        for _ in range(n)
    )
    ProblemIncident.objects.bulk_create(
        ProblemIncident(problem=problem, incident=i) for i in incidents
    )
    ProblemTimelineEntry.objects.bulk_create(
        ProblemTimelineEntry(ticket=problem, verb="note", body="x") for _ in range(n)
    )


def queries(client, url, **params) -> int:
    client.get(url, params)  # warm process-wide caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def measure(client, urls, grow):
    small = [queries(client, url, **params) for url, params in urls]
    grow()
    large = [queries(client, url, **params) for url, params in urls]
    print(f"queries at 5: {small}, at 500: {large}")
    assert small == large
    return large


def test_admin_pages(agent, team, service, caller, problem):
    people = {"service": service, "team": team, "agent": agent}
    add_problems(4, **people, known=True)
    link_incidents(problem, 5, service=service, caller=caller)
    incident = problem.incidents.first()
    other = Incident.objects.create(
        number="INC7000001", title="Unlinked", reported_at=timezone.now(), service=service
    )
    urls = [
        (reverse("admin:problems_problem_changelist"), {}),
        (reverse("admin:problems_problem_change", args=[problem.pk]), {}),
        (reverse("admin:problems_knownerror_changelist"), {}),
        (change_url(incident), {}),
        (change_url(other), {}),
        (reverse("admin:problems_problem_recurring"), {"minimum": 2, "days": 5}),
    ]

    def grow():
        add_problems(495, **people, known=True)
        link_incidents(problem, 495, service=service, caller=caller)

    large = measure(client_for(agent), urls, grow)
    assert max(large) <= 30


def test_api_lists(agent, team, service, caller, problem):
    people = {"service": service, "team": team, "agent": agent}
    add_problems(4, **people, known=True)
    link_incidents(problem, 5, service=service, caller=caller)
    urls = [
        ("/api/v1/problems/", {"page_size": 500}),
        ("/api/v1/known-errors/", {"page_size": 500}),
        (f"/api/v1/problems/{problem.number}/", {}),
        (f"/api/v1/problems/{problem.number}/timeline/", {"page_size": 500}),
    ]

    def grow():
        add_problems(495, **people, known=True)
        link_incidents(problem, 495, service=service, caller=caller)

    large = measure(api_for(agent), urls, grow)
    assert max(large) <= 10
