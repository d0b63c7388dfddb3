"""The incident changelist's "Export CSV" link exports exactly the incidents of the current
filters and search, every page of them, to people who may view incidents."""

import csv
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from incidents.admin.incident import IncidentAdmin
from incidents.export import COLUMNS
from incidents.models import Status
from tests.admin.conftest import changelist_url, client_for

pytestmark = pytest.mark.django_db

EXPORT = "admin:incidents_incident_export"


def export_link(client, query: str = "") -> str:
    page = client.get(changelist_url() + query)
    assert page.status_code == 200
    found = re.search(r'<a id="export-csv" href="([^"]+)"', page.content.decode())
    assert found, "no Export CSV link on the changelist"
    return html.unescape(found.group(1))


def exported(client, link: str) -> list[dict[str, str]]:
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="incidents-')
    body = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(body, newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_the_link_carries_the_filters_and_search_and_exports_every_page(
    agent_client, incident_in, monkeypatch
):
    monkeypatch.setattr(IncidentAdmin, "list_per_page", 1)  # the list shows one per page
    wanted = {incident_in(Status.RESOLVED, title=f"Mail bounce {i}").number for i in range(3)}
    incident_in(Status.RESOLVED, title="Printer jam")
    incident_in(Status.NEW, title="Mail bounce, still open")

    link = export_link(agent_client, f"?status__exact={Status.RESOLVED}&q=bounce&p=2")

    assert link.startswith(reverse(EXPORT) + "?")
    assert "status__exact=6" in link and "q=bounce" in link and "p=" not in link
    assert {row["number"] for row in exported(agent_client, link)} == wanted


def test_unfiltered_it_exports_everything_in_the_lists_order(agent_client, incident_in):
    numbers = [incident_in(Status.NEW, title=f"Incident {i}").number for i in range(3)]

    rows = exported(agent_client, export_link(agent_client))

    assert [row["number"] for row in rows] == numbers[::-1]  # newest first, as listed


def test_a_queue_filter_is_honoured_too(agent_client, agent, make_incident):
    mine = make_incident(title="Mine", assigned_to=agent)
    make_incident(title="Nobody's")

    rows = exported(agent_client, export_link(agent_client, "?queue=mine"))

    assert [row["number"] for row in rows] == [mine.number]


def test_staff_without_the_view_permission_are_refused(incident):
    clerk = User.objects.create_user("clerk", is_staff=True)

    assert client_for(clerk).get(reverse(EXPORT)).status_code == 403


def test_people_who_are_not_staff_are_sent_to_the_login(caller, incident):
    response = client_for(caller).get(reverse(EXPORT))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_bad_filter_goes_back_to_the_list(agent_client, incident):
    response = agent_client.get(reverse(EXPORT) + "?nonsense__exact=1")

    assert response.status_code == 302
    assert response["Location"] == changelist_url() + "?e=1"


def test_the_admin_export_reads_no_query_per_row(agent_client, make_incident, agent):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = agent_client.get(reverse(EXPORT) + "?status__exact=1")
            b"".join(response.streaming_content)
        return len(context.captured_queries)

    for i in range(3):
        make_incident(title=f"Few {i}", assigned_to=agent)
    queries()  # the session and the permissions, read once as any real session does
    few = queries()
    for i in range(30):
        make_incident(title=f"Many {i}", assigned_to=agent)

    # The changelist's own reading of the filters (its count and page), then one
    # SELECT for every row.
    assert queries() == few <= 8
