"""``GET /api/v1/incidents/export.csv``: the list's incidents, filters and visibility, as
one streamed CSV attachment; errors stay JSON."""

import csv
import io

import pytest
from django.utils import timezone

from incidents.export import COLUMNS
from incidents.models import Status
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/incidents/export.csv"


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(body, newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_an_agent_downloads_every_incident_as_a_dated_attachment(agent_api, incident_in):
    numbers = {incident_in(status).number for status in (Status.NEW, Status.RESOLVED)}

    response = agent_api.get(EXPORT)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.now().date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="incidents-{today}.csv"'
    assert {row["number"] for row in rows_of(response)} == numbers


def test_the_lists_filters_and_order_apply_to_every_row_not_a_page(agent_api, incident_in):
    resolved = [incident_in(Status.RESOLVED, title=f"Fixed {i}").number for i in range(3)]
    incident_in(Status.NEW, title="Still open")

    rows = rows_of(agent_api.get(EXPORT, {"status": Status.RESOLVED, "ordering": "number"}))

    assert [row["number"] for row in rows] == sorted(resolved)
    searched = rows_of(agent_api.get(EXPORT, {"search": "Still open"}))
    assert [row["title"] for row in searched] == ["Still open"]
    # Page sizes do not cut an export short.
    assert len(rows_of(agent_api.get(EXPORT, {"page_size": 1}))) == 4


def test_a_caller_exports_only_their_own_incidents(make_incident, caller, stranger):
    mine = make_incident(title="Mine", caller=caller)
    make_incident(title="Someone else's", caller=stranger)

    rows = rows_of(api_for(caller).get(EXPORT))

    assert [row["number"] for row in rows] == [mine.number]


def test_csv_whatever_the_client_accepts(agent_api, incident):
    for accept in ("text/csv", "application/json", "*/*"):
        response = agent_api.get(EXPORT, HTTP_ACCEPT=accept)
        assert [row["number"] for row in rows_of(response)] == [incident.number]


def test_anonymous_is_refused_as_json(incident):
    response = api_for(None).get(EXPORT)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_filter_is_a_json_400(agent_api):
    response = agent_api.get(EXPORT, {"status": "42"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "status" in response.json()["errors"]


def test_the_export_is_documented(agent_api):
    import yaml

    schema = yaml.safe_load(agent_api.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/incidents/export.csv"]["get"]

    assert operation["summary"] == "Export incidents as CSV"
    assert "text/csv" in operation["responses"]["200"]["content"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"status", "priority", "search", "assigned_to", "ordering"} <= parameters
    assert "cursor" not in parameters
