"""Runbooks in the console: managers write them and see the preview agents will read;
agents read one on its own page (where the page email points) and the matching ones on
the incident's change form, rendered, with nothing of the author's able to run there."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from alerts.intake import receive
from alerts.models import AlertGroup, Runbook
from tests.admin.conftest import change_url, client_for
from tests.alerts.conftest import am_alert, am_body

pytestmark = pytest.mark.django_db

BODY = "# Disk full\n\nRun `df -h`. <script>alert('owned')</script>"


@pytest.fixture
def disk_runbook(service):
    book = Runbook.objects.create(title="Disk full", body=BODY, alert_names=["DiskFull"])
    book.services.set([service])
    return book


def read_url(book):
    return reverse("admin:alerts_runbook_read", args=[book.pk])


def alert_incident(integration, **annotations):
    alert = am_alert("db-1", name="DiskFull")
    alert["annotations"].update(annotations)
    receipt = receive(integration, json.dumps(am_body(alert)).encode())
    return AlertGroup.objects.get(incident__number=receipt.opened[0]).incident


def panel(response, title):
    return next((p for p in response.context["panels"] if p.title == title), None)


def test_the_incident_shows_its_runbooks_rendered(agent, integration, disk_runbook):
    incident = alert_incident(integration, runbook_url="https://wiki.example/disk")

    response = client_for(agent).get(change_url(incident))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Runbooks</h2>" in html
    assert f'<a href="{read_url(disk_runbook)}">Disk full</a>' in html
    assert "<h1>Disk full</h1>" in html and "<code>df -h</code>" in html
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html  # shown as the text it is
    assert '<a href="https://wiki.example/disk">DiskFull (from the alert)</a>' in html


def test_no_runbooks_panel_when_none_matches(agent, incident):
    response = client_for(agent).get(change_url(incident))

    assert response.status_code == 200
    assert panel(response, "Runbooks") is None


def test_an_agent_reads_a_runbook_on_its_page(agent, disk_runbook):
    response = client_for(agent).get(read_url(disk_runbook))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Disk full</h1>" in html
    assert "<script>alert('owned')" not in html
    assert "For alerts named DiskFull." in html
    # Agents read runbooks; managers write them.
    assert reverse("admin:alerts_runbook_change", args=[disk_runbook.pk]) not in html


@pytest.mark.parametrize("who", ["anonymous", "caller"])
def test_the_reading_page_needs_a_staff_login(who, caller, disk_runbook):
    client = client_for(caller) if who == "caller" else Client()
    response = client.get(read_url(disk_runbook))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "Disk full" not in response.content.decode()


def test_a_manager_writes_a_runbook_and_previews_it(manager, service):
    client = client_for(manager)
    response = client.post(
        reverse("admin:alerts_runbook_add"),
        {
            "title": "Replication lag",
            "body": "1. Check the **replica**\n2. [Dashboard](https://grafana.example/d/pg)",
            "alert_names": '["ReplicationLag"]',
            "matchers": '{"team": "db"}',
            "services": [service.pk],
            "_continue": "1",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    book = Runbook.objects.get(title="Replication lag")
    assert (book.alert_names, book.matchers, list(book.services.all())) == (
        ["ReplicationLag"],
        {"team": "db"},
        [service],
    )
    assert book.history.get().history_user == manager
    html = client.get(reverse("admin:alerts_runbook_change", args=[book.pk])).content.decode()
    assert "<strong>replica</strong>" in html
    assert '<a href="https://grafana.example/d/pg" rel="noopener noreferrer">Dashboard</a>' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("alert_names", '"DiskFull"'),
        ("alert_names", "[1, 2]"),
        ("matchers", '["team", "db"]'),
        ("matchers", '{"team": 1}'),
        ("matchers", '{"0": "db"}'),
    ],
)
def test_names_and_matchers_take_only_the_shapes_the_matching_reads(manager, field, value):
    data = {"title": "Bad", "body": "x", "alert_names": "[]", "matchers": "{}", field: value}

    response = client_for(manager).post(reverse("admin:alerts_runbook_add"), data)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Runbook.objects.exists()
