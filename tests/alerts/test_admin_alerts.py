"""The alert list is read-only and costs the same at 5 alerts as at 300; an incident's
change form lists its alerts, still-firing first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import Alert, AlertStatus
from tests.admin.conftest import change_url, client_for
from tests.alerts import rows

pytestmark = pytest.mark.django_db

LIST = "admin:alerts_alert_changelist"


def test_the_list_shows_each_alert_with_its_incident(agent, incident):
    source = rows.integration()
    firing = rows.alert(source, incident, summary="Disk almost full on db1", count=7)
    rows.alert(
        source,
        summary="CPU hot on web2",
        status=AlertStatus.RESOLVED,
        suppressed="Silenced: deploy",
    )

    page = client_for(agent).get(reverse(LIST)).content.decode()

    assert "Disk almost full on db1" in page and "CPU hot on web2" in page
    assert incident.number in page
    assert reverse("admin:incidents_incident_change", args=[incident.pk]) in page
    assert "Silenced: deploy" in page
    assert str(firing.count) in page


def test_the_filters_and_search_narrow_the_list(agent):
    source, other = rows.integration(), rows.integration("Grafana", kind="grafana")
    rows.alert(source, summary="Disk almost full on db1", dedup_key="disk-db1")
    rows.alert(other, summary="Latency high", severity="warning", flapping=True)
    client = client_for(agent)

    def shown(**query):
        page = client.get(reverse(LIST), query).content.decode()
        return {s for s in ("Disk almost full on db1", "Latency high") if s in page}

    assert shown(integration__id__exact=other.pk) == {"Latency high"}
    assert shown(severity__exact="warning") == {"Latency high"}
    assert shown(flapping__exact="1") == {"Latency high"}
    assert shown(q="disk-db1") == {"Disk almost full on db1"}
    assert shown(status__exact="resolved") == set()


def test_nobody_adds_changes_or_deletes_an_alert(manager):
    one = rows.alert(rows.integration())
    client = client_for(manager)

    assert client.get(reverse("admin:alerts_alert_add")).status_code == 403
    page = client.get(reverse("admin:alerts_alert_change", args=[one.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(
            reverse("admin:alerts_alert_change", args=[one.pk]), {"summary": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:alerts_alert_delete", args=[one.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Alert.objects.get(pk=one.pk).summary == one.summary


def test_the_alert_page_links_only_web_sources(agent):
    source = rows.integration()
    web = rows.alert(source)
    script = rows.alert(source, generator_url="javascript:alert(1)")
    client = client_for(agent)

    assert (
        f'href="{web.generator_url}"'
        in client.get(reverse("admin:alerts_alert_change", args=[web.pk])).content.decode()
    )
    assert (
        'href="javascript:'
        not in client.get(reverse("admin:alerts_alert_change", args=[script.pk])).content.decode()
    )


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_at_5_and_300_alerts(agent, make_incident):
    source = rows.integration()
    incidents = [make_incident(title=f"Disk {i}") for i in range(3)]
    client = client_for(agent)
    for incident in incidents:
        rows.alerts(source, 2, incident=incident)
    client.get(reverse(LIST))  # warm process-wide caches
    few = list_queries(client)
    for incident in incidents:
        rows.alerts(source, 100, incident=incident)
    many = list_queries(client)

    assert many == few


def test_the_incident_form_lists_its_alerts_firing_first(agent, incident):
    source = rows.integration()
    rows.alert(
        source,
        incident,
        summary="old",
        labels={"alertname": "DiskResolved"},
        status=AlertStatus.RESOLVED,
    )
    rows.alert(source, incident, labels={"alertname": "DiskFiring"}, flapping=True, count=3)
    rows.alert(
        source, incident, labels={"alertname": "Scripted"}, generator_url="javascript:alert(1)"
    )

    page = client_for(agent).get(change_url(incident)).content.decode()

    panel = page[page.index("<h2>Alerts</h2>") :]
    assert panel.index("DiskFiring") < panel.index("DiskResolved")
    assert "flapping" in panel and "seen 3 times" in panel and "Resolved" in panel
    assert 'href="http://prometheus.example.com/graph' in panel
    assert 'href="javascript:' not in panel


def test_a_long_alert_list_on_the_incident_ends_with_a_link_to_all(agent, incident):
    rows.alerts(rows.integration(), 55, incident=incident)

    page = client_for(agent).get(change_url(incident)).content.decode()

    assert "and 5 more" in page
    assert f"?incident__id__exact={incident.pk}" in page


def test_an_incident_without_alerts_has_no_alerts_panel(agent, incident):
    page = client_for(agent).get(change_url(incident)).content.decode()

    assert "<h2>Alerts</h2>" not in page
