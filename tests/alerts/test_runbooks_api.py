"""The incident detail lists its runbooks (``runbooks``: id, title, url), best match first,
for agents; the schema documents the field; the list rows do not carry it; and reading it
costs the same queries for an incident of one alert as for one of two hundred."""

import json

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.intake import receive
from alerts.models import AlertGroup, GroupBy, Runbook
from tests.alerts.conftest import am_alert, am_body
from tests.api.conftest import url
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def alert_incident(integration, *alerts):
    receipt = receive(integration, json.dumps(am_body(*alerts)).encode())
    return AlertGroup.objects.get(incident__number=receipt.opened[0]).incident


@pytest.fixture
def books(service):
    disk = Runbook.objects.create(title="Disk full", body="df -h", alert_names=["DiskFull"])
    mail = Runbook.objects.create(title="Mail service", body="Restart postfix")
    mail.services.set([service])
    return disk, mail


def test_the_detail_lists_the_incidents_runbooks(agent, integration, books):
    disk, mail = books
    alert = am_alert("db-1", name="DiskFull")
    alert["annotations"]["runbook_url"] = "https://wiki.example/disk"
    incident = alert_incident(integration, alert)

    response = api_for(agent).get(url(incident))

    assert response.status_code == 200
    assert response.json()["runbooks"] == [
        {
            "id": disk.pk,
            "title": "Disk full",
            "url": f"http://testserver/admin/alerts/runbook/{disk.pk}/read/",
        },
        {
            "id": mail.pk,
            "title": "Mail service",
            "url": f"http://testserver/admin/alerts/runbook/{mail.pk}/read/",
        },
        {"id": None, "title": "DiskFull (from the alert)", "url": "https://wiki.example/disk"},
    ]


def test_callers_get_no_runbooks(caller, make_incident, books):
    incident = make_incident(by=caller)

    response = api_for(caller).get(url(incident))

    assert response.status_code == 200
    assert response.json()["runbooks"] == []


def test_an_agent_sees_the_services_runbooks_on_a_logged_incident(agent, incident, books):
    assert [book["title"] for book in api_for(agent).get(url(incident)).json()["runbooks"]] == [
        "Mail service"
    ]


def test_the_list_rows_do_not_carry_them(agent, integration, books):
    alert_incident(integration, am_alert("db-1", name="DiskFull"))

    rows = api_for(agent).get("/api/v1/incidents/").json()["results"]

    assert rows
    assert all("runbooks" not in row for row in rows)


def test_the_schema_documents_the_field(agent):
    schema = yaml.safe_load(api_for(agent).get("/api/schema/").content)
    components = schema["components"]["schemas"]

    runbooks = components["Incident"]["properties"]["runbooks"]
    assert runbooks["type"] == "array"
    assert runbooks["readOnly"] is True
    item = components[runbooks["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(item["properties"]) == {"id", "title", "url"}
    assert item["properties"]["id"]["nullable"] is True
    assert "runbooks" not in components["IncidentList"]["properties"]


def test_reading_them_costs_the_same_however_many_alerts(agent, make_integration, books):
    integration = make_integration(group_by=GroupBy.GROUP_KEY)
    Runbook.objects.create(title="Database", body="x", matchers={"team": "db"})
    small = alert_incident(integration, am_alert("a-0", name="DiskFull", team="db"))
    big = alert_incident(
        make_integration(group_by=GroupBy.GROUP_KEY),
        *(am_alert(f"b-{n}", name="DiskFull", team="db") for n in range(200)),
    )
    assert big.alerts.count() == 200
    client = api_for(agent)
    client.get(url(small))  # warm the permission cache, as any real client has

    counts = []
    for incident in (small, big):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(incident))
        assert [book["title"] for book in response.json()["runbooks"]] == [
            "Database",
            "Disk full",
            "Mail service",
        ]
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
