"""Every new change page costs the same number of queries at 5 rows as at 500: the admin
list (with the failure rate), change form, calendar, approvals queue, and the API list."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changes.models import Change, ChangeApproval, ChangeTimelineEntry, Status
from kernel.numbering import format_number
from tests.admin.conftest import client_for
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

_numbers = itertools.count(8_000_000)
START = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)


def add_changes(n, *, service, team, agent):
    changes = Change.objects.bulk_create(
        Change(
            number=format_number("CHG", next(_numbers)),
            title=f"Bulk {i}",
            status=[Status.SCHEDULED, Status.AUTHORIZE, Status.CLOSED][i % 3],
            assignment_group=team,
            assigned_to=agent,
            planned_start=START + timedelta(minutes=i),
            planned_end=START + timedelta(minutes=i + 30),
        )
        for i in range(n)
    )
    Change.services.through.objects.bulk_create(
        Change.services.through(change=c, service=service) for c in changes
    )
    ChangeApproval.objects.bulk_create(ChangeApproval(change=c, group=team) for c in changes)


def queries(client, url, **params) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_pages_and_lists(agent, other_agent, team, service, change_in):
    change = change_in(Status.AUTHORIZE)
    people = {"service": service, "team": team, "agent": agent}
    add_changes(4, **people)
    admin, api = client_for(other_agent), api_for(agent)
    date = timezone.localtime(START).date().isoformat()
    urls = [
        (admin, reverse("admin:changes_change_changelist"), {}),
        (admin, reverse("admin:changes_change_changelist"), {"approval": "mine"}),
        (admin, reverse("admin:changes_change_change", args=[change.pk]), {}),
        (admin, reverse("admin:changes_change_calendar"), {"date": date}),
        (admin, reverse("admin:changes_change_calendar"), {"date": date, "view": "week"}),
        (api, "/api/v1/changes/", {"page_size": 500}),
        (api, f"/api/v1/changes/{change.number}/", {}),
    ]
    small = [queries(client, url, **params) for client, url, params in urls]
    add_changes(495, **people)
    ChangeTimelineEntry.objects.bulk_create(
        ChangeTimelineEntry(ticket=change, verb="note", body="x") for _ in range(495)
    )
    large = [queries(client, url, **params) for client, url, params in urls]
    print(f"change pages, queries at 5: {small}, at 500: {large}")
    assert small == large
    assert max(large) <= 30
