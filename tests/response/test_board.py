"""The major-incident board: open declared incidents only, with severity, commander, time
since impact started, last update, next update due (overdue marked by a class, in red)
and child count; the same number of queries at 5 rows as at 500."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, IncidentRole
from incidents.workflow import incident_move
from kernel.numbering import format_number
from response.models import Cadence, StakeholderUpdate
from response.updates import stakeholder_update_post

pytestmark = pytest.mark.django_db

URL = reverse("admin:response_majorincident_changelist")
_numbers = itertools.count(8_000_000)


def test_the_board_shows_open_major_incidents(agent_client, major, make_incident, agent, manager):
    child = make_incident(title="Cannot send mail from Outlook")
    from incidents.major import incident_link_major

    incident_link_major(child, by=agent, parent=major)
    stakeholder_update_post(major, by=agent, body="Working on it.")
    quiet = make_incident(title="A printer jams")  # not major: not on the board

    page = agent_client.get(URL)

    assert page.status_code == 200
    assert b"<h1>Major-incident board</h1>" in page.content
    rows = list(page.context["cl"].result_list)
    assert [row.pk for row in rows] == [major.pk]
    row = rows[0]
    assert row.child_count == 1 and row.last_update_at is not None
    assert [role.user for role in row.commanders] == [manager]
    html = page.content.decode()
    assert major.title in html and quiet.title not in html
    assert 'class="update-due"' in html and "update-overdue" not in html
    assert str(manager) in html


def test_an_overdue_update_is_red(agent_client, major):
    cadence = Cadence.objects.get(incident=major)
    cadence.next_update_due = timezone.now() - timedelta(minutes=5)
    cadence.save()

    html = agent_client.get(URL).content.decode()

    assert 'class="update-overdue"' in html and "(overdue)" in html
    assert 'style="' not in html.split('id="result_list"')[1].split("</table>")[0]


def test_resolved_incidents_leave_the_board(agent_client, major, agent):
    incident_move(
        major, "resolve", by=agent, resolution_code="solution_provided", resolution_notes="Ok"
    )
    assert list(agent_client.get(URL).context["cl"].result_list) == []


def add_majors(n, *, service, team, agent, manager):
    now = timezone.now()
    majors = Incident.objects.bulk_create(
        Incident(
            number=format_number("INC", next(_numbers)),
            title=f"Outage {i}",
            reported_at=now,
            service=service,
            assignment_group=team,
            severity=1 + i % 4,
            priority=1,
            major_since=now,
        )
        for i in range(n)
    )
    IncidentRole.objects.bulk_create(
        IncidentRole(incident=major, role="commander", user=manager, assigned_by=manager)
        for major in majors
    )
    Cadence.objects.bulk_create(
        Cadence(incident=major, next_update_due=now, next_reminder_at=now) for major in majors
    )
    StakeholderUpdate.objects.bulk_create(
        StakeholderUpdate(
            incident=major, audience="internal", body="x", author=agent, next_update_due=now
        )
        for major in majors
    )
    Incident.objects.bulk_create(
        Incident(
            number=format_number("INC", next(_numbers)),
            title="Child",
            reported_at=now,
            major_incident=major,
        )
        for major in majors
    )


def count_queries(client):
    client.get(URL)  # warm the process-wide caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries.captured_queries), len(response.context["cl"].result_list)


def test_the_board_costs_the_same_at_5_and_500(agent_client, service, team, agent, manager):
    add_majors(5, service=service, team=team, agent=agent, manager=manager)
    few, shown = count_queries(agent_client)
    assert shown == 5
    add_majors(495, service=service, team=team, agent=agent, manager=manager)
    many, shown = count_queries(agent_client)
    assert shown == 100  # a page
    assert many == few
