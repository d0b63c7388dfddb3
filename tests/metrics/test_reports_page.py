"""The admin's reports page: the four charts as SVG with their tables and CSV links,
for agents and managers; the filters as a GET form; constant queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db
URL = "/admin/metrics/incidentreport/"
CHARTS = ("trend", "sla", "services", "backlog")


def test_an_agent_sees_the_charts_their_tables_and_csv_links(desk, client, agent):
    client.force_login(agent)
    answer = client.get(URL, {"from": (timezone.now() - timedelta(days=150)).date().isoformat()})
    assert answer.status_code == 200
    html = answer.content.decode()
    for key in CHARTS:
        svg = re.search(rf'<svg[^>]*aria-labelledby="{key}-title {key}-desc".*?</svg>', html, re.S)
        assert svg, key
        assert f'<title id="{key}-title">' in svg.group(0)
        assert "<title>" in svg.group(0).split("</desc>", 1)[1]  # tooltips on the marks
    assert "MTTA and MTTR (resolve) by week" in html
    assert "Top 10 services by incident count" in html and ">VPN<" in html
    assert "SLA compliance by priority" in html and "Resolution, all priorities" in html
    assert html.count('<table class="report-table">') == 9
    assert "By priority" in html and "By status" in html and "Reassignments per incident" in html
    assert 'href="/api/v1/metrics/incidents/priorities/?from=' in html
    assert 'href="/api/v1/metrics/incidents/trend/?from=' in html and "format=csv" in html
    assert "style=" not in html.split('id="content-main"', 1)[1]  # the CSP allows none
    assert "<script" not in html.split('id="content-main"', 1)[1]


def test_the_filters_narrow_the_report(desk, client, manager):
    client.force_login(manager)
    vpn = desk.services[1]
    start = (timezone.now() - timedelta(days=150)).date().isoformat()
    everything = client.get(URL, {"from": start}).context["extra"]["incidents"]
    answer = client.get(URL, {"from": start, "service": vpn.pk, "priority": [3, 4, 5]})
    assert 0 < answer.context["extra"]["incidents"] < everything
    assert f"service={vpn.pk}" in answer.context["sections"][0].csv_url


def test_a_bad_filter_is_shown_on_the_form(client, agent):
    client.force_login(agent)
    answer = client.get(URL, {"from": "2026-05-01", "to": "2026-04-01"})
    assert answer.status_code == 200
    assert "The period ends after it starts." in answer.content.decode()
    assert answer.context["sections"] == []


def test_an_end_user_is_sent_to_the_login(client, caller):
    client.force_login(caller)
    assert client.get(URL).status_code == 302


def test_the_page_reads_the_same_number_of_queries_for_more_incidents(
    client, agent, make_incident, category
):
    client.force_login(agent)
    make_incident(category=category)
    client.get(URL)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL, {"priority": [3, 4]}).status_code == 200
        return len(context.captured_queries)

    few = queries()
    for i in range(10):
        make_incident(title=f"Disk {i}", category=category, impact=3)
    assert queries() == few
