"""Which runbooks an incident shows: those for its alerts' names or whose label matchers
all match one of its alerts first, then its service's, then the addresses its alerts
carry in their ``runbook_url`` annotation. Finding them costs the same few queries however
many alerts the incident holds."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.intake import receive
from alerts.models import AlertGroup, GroupBy, Runbook
from alerts.runbooks import find, runbooks_for
from catalog.models import Service
from tests.alerts.conftest import am_alert, am_body

pytestmark = pytest.mark.django_db


def fire(integration, *alerts):
    """Send ``alerts`` in one Alertmanager body; the incident of the first one."""
    receipt = receive(integration, json.dumps(am_body(*alerts)).encode())
    assert receipt.opened, receipt
    group = AlertGroup.objects.get(
        integration=integration, open=True, incident__number=receipt.opened[0]
    )
    return group.incident


def runbook(title, *, names=(), matchers=None, services=()):
    book = Runbook.objects.create(
        title=title, body=f"# {title}", alert_names=list(names), matchers=matchers or {}
    )
    book.services.set(services)
    return book


def titles(incident):
    return [book.title for book in runbooks_for(incident)]


def test_a_runbook_for_the_alerts_name_matches(integration):
    runbook("High error rate", names=["HighErrorRate", "HighLatency"])
    runbook("Disk full", names=["DiskFull"])

    incident = fire(integration, am_alert("fp-1", name="HighErrorRate"))

    assert titles(incident) == ["High error rate"]


def test_a_runbook_matches_when_all_its_labels_match_one_alert(make_integration):
    integration = make_integration(group_by=GroupBy.GROUP_KEY)
    runbook("Database in prod", matchers={"team": "db", "env": "prod"})
    runbook("Database in staging", matchers={"team": "db", "env": "staging"})
    runbook("Web in prod", matchers={"team": "web", "env": "prod"})
    # One alert has team=db, the other env=staging: no single alert matches "staging".
    incident = fire(
        integration,
        am_alert("fp-1", name="ReplicationLag", team="db", env="prod"),
        am_alert("fp-2", name="HighErrorRate", team="web", env="staging"),
    )

    assert incident.alerts.count() == 2
    assert titles(incident) == ["Database in prod"]


def test_a_runbook_without_names_or_labels_matches_no_alert(integration):
    runbook("Everything", matchers={})

    incident = fire(integration, am_alert("fp-1"))

    assert titles(incident) == []


def test_runbooks_for_the_alert_come_before_the_services(integration, service, team):
    other = Service.objects.create(name="Payments", owner_team=team)
    runbook("A service's runbook", services=[service])
    runbook("Another service's runbook", services=[other])
    runbook("Z for the alert", names=["HighErrorRate"], services=[service])
    runbook("Y for the labels", matchers={"severity": "critical"})

    incident = fire(integration, am_alert("fp-1", name="HighErrorRate", severity="critical"))

    assert titles(incident) == ["Y for the labels", "Z for the alert", "A service's runbook"]


def test_an_incident_logged_by_a_person_shows_its_services_runbooks(make_incident, service):
    runbook("Mail outage", services=[service])
    runbook("High error rate", names=["HighErrorRate"])

    assert titles(make_incident()) == ["Mail outage"]
    assert titles(make_incident(service=None)) == []


def test_the_alerts_own_runbook_url_is_offered_as_a_link(make_integration):
    integration = make_integration(group_by=GroupBy.GROUP_KEY)
    alerts = [
        am_alert("fp-1", name="HighErrorRate"),
        am_alert("fp-2", name="HighErrorRate"),
        am_alert("fp-3", name="Sneaky"),
        am_alert("fp-4", name="Relative"),
    ]
    alerts[0]["annotations"]["runbook_url"] = "https://wiki.example/runbooks/errors"
    alerts[1]["annotations"]["runbook_url"] = "https://wiki.example/runbooks/errors"
    alerts[2]["annotations"]["runbook_url"] = "javascript:alert(1)"
    alerts[3]["annotations"]["runbook_url"] = "/runbooks/relative"

    found = find(fire(integration, *alerts))

    assert found.runbooks == []
    assert [(link.title, link.url) for link in found.external] == [
        ("HighErrorRate (from the alert)", "https://wiki.example/runbooks/errors")
    ]


@pytest.mark.parametrize("alerts", [1, 200])
def test_finding_them_costs_two_queries_however_many_alerts(make_integration, service, alerts):
    integration = make_integration(group_by=GroupBy.GROUP_KEY)
    runbook("High error rate", names=["HighErrorRate"])
    runbook("Database", matchers={"team": "db", "instance": "fp-7"})
    runbook("Service", services=[service])
    incident = fire(
        integration, *(am_alert(f"fp-{n}", team="db" if n % 2 else "web") for n in range(alerts))
    )
    assert incident.alerts.count() == alerts

    with CaptureQueriesContext(connection) as queries:
        found = find(incident)

    assert len(queries) == 2
    expected = (
        ["Database", "High error rate", "Service"] if alerts > 7 else ["High error rate", "Service"]
    )
    assert [book.title for book in found.runbooks] == expected
