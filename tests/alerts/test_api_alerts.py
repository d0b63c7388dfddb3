"""``GET /api/v1/alerts/`` and ``GET /api/v1/incidents/{number}/alerts/``: agents read
alerts with filters, page by page at a constant cost; end users learn nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import AlertStatus
from incidents.models import Incident
from tests.alerts import rows
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"


def incident_alerts(incident: Incident) -> str:
    return f"/api/v1/incidents/{incident.number}/alerts/"


def summaries(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["summary"] for row in response.json()["results"]]


def test_an_alert_row_says_what_monitoring_sent_and_where_it_went(agent_api, incident):
    source = rows.integration()
    sent = rows.alert(source, incident, summary="Disk almost full on db1", count=4)

    row = agent_api.get(ALERTS).json()["results"][0]

    assert row["id"] == sent.pk
    assert row["integration"] == source.pk and row["integration_name"] == "Prometheus"
    assert row["incident"] == incident.number
    assert row["status"] == "firing" and row["severity"] == "critical" and row["count"] == 4
    assert row["labels"] == sent.labels and row["generator_url"] == sent.generator_url
    assert "raw" not in row
    assert agent_api.get(f"{ALERTS}{sent.pk}/").json() == row


def test_the_filters(agent_api, make_incident):
    now = timezone.now()
    source, other = rows.integration(), rows.integration("Grafana", kind="grafana")
    first, second = make_incident(title="One"), make_incident(title="Two")
    rows.alert(source, first, summary="a", dedup_key="disk-db1", last_seen=now - timedelta(hours=3))
    rows.alert(source, second, summary="b", status=AlertStatus.RESOLVED, severity="warning")
    rows.alert(other, None, summary="c", severity="info", flapping=True)

    def shown(**query) -> set[str]:
        return set(summaries(agent_api.get(ALERTS, query)))

    assert shown() == {"a", "b", "c"}
    assert shown(integration=other.pk) == {"c"}
    assert shown(status="resolved") == {"b"}
    assert shown(severity=["warning", "info"]) == {"b", "c"}
    assert shown(incident=first.number) == {"a"}
    assert shown(dedup_key="disk-db1") == {"a"}
    assert shown(flapping="true") == {"c"}
    assert shown(last_seen_before=(now - timedelta(hours=1)).isoformat()) == {"a"}
    assert shown(last_seen_after=(now - timedelta(hours=1)).isoformat()) == {"b", "c"}
    assert agent_api.get(ALERTS, {"status": "asleep"}).status_code == 400


def test_pages_follow_the_latest_seen(agent_api):
    rows.alerts(rows.integration(), 5)

    first = agent_api.get(ALERTS, {"page_size": 3}).json()
    second = agent_api.get(first["next"]).json()

    seen = [row["last_seen"] for row in first["results"] + second["results"]]
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)


def test_an_incidents_alerts(agent_api, make_incident):
    mine, other = make_incident(title="Mine"), make_incident(title="Other")
    source = rows.integration()
    rows.alert(source, mine, summary="on mine")
    rows.alert(source, mine, summary="over", status=AlertStatus.RESOLVED)
    rows.alert(source, other, summary="on the other")

    assert set(summaries(agent_api.get(incident_alerts(mine)))) == {"on mine", "over"}
    assert summaries(agent_api.get(incident_alerts(mine), {"status": "firing"})) == ["on mine"]
    assert agent_api.get("/api/v1/incidents/INC9999999/alerts/").status_code == 404


def test_end_users_learn_nothing(caller, stranger, make_incident):
    own = make_incident(caller=caller)
    one = rows.alert(rows.integration(), own)
    caller_api, stranger_api = api_for(caller), api_for(stranger)

    assert caller_api.get(ALERTS).status_code == 403
    assert caller_api.get(f"{ALERTS}{one.pk}/").status_code == 403
    # Their own incident exists for them, its alerts are the desk's...
    assert caller_api.get(incident_alerts(own)).status_code == 403
    # ...and someone else's incident does not exist at all.
    assert stranger_api.get(incident_alerts(own)).status_code == 404
    assert api_for(None).get(ALERTS).status_code == 401


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"page_size": 500})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_a_page_costs_the_same_at_5_and_300_alerts(agent, make_incident):
    client = api_for(agent)
    incidents = [make_incident(title=f"Disk {i}") for i in range(5)]
    source = rows.integration()
    for incident in incidents:
        rows.alert(source, incident)
    client.get(ALERTS)  # warm process-wide caches
    few = (count_queries(client, ALERTS), count_queries(client, incident_alerts(incidents[0])))
    for incident in incidents:
        rows.alerts(source, 60, incident=incident)
    rows.alerts(rows.integration("Grafana", kind="grafana"), 60)
    many = (count_queries(client, ALERTS), count_queries(client, incident_alerts(incidents[0])))

    assert many == few
    assert few[0] <= 3
