"""``GET /api/v1/metrics/...``: the same filters everywhere, refusals as JSON with a code,
CSV of every table, agents only."""

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from metrics.forms import ScopeForm
from metrics.tables import incidents_table
from tests.metrics.conftest import desk_for_the_module
from tests.metrics.data import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def desk(django_db_setup: None, django_db_blocker: Any) -> Iterator[Desk]:
    """Built once: these tests only read it."""
    with desk_for_the_module(django_db_blocker) as built:
        yield built


@pytest.fixture
def agent(desk: Desk) -> User:
    """The desk's agent (the desk holds this module's people)."""
    return User.objects.get(username="alice")


URLS = (
    "/api/v1/metrics/incidents/",
    "/api/v1/metrics/incidents/priorities/",
    "/api/v1/metrics/incidents/trend/",
    "/api/v1/metrics/incidents/breakdown/",
    "/api/v1/metrics/backlog/",
    "/api/v1/metrics/services/",
    "/api/v1/metrics/sla/",
    "/api/v1/metrics/changes/",
)


def iso(at) -> str:
    return at.isoformat().replace("+00:00", "Z")


def test_the_summary_answers_the_filtered_figures(desk, agent_api):
    vpn = desk.services[1]
    start = timezone.now() - timedelta(days=150)
    answer = agent_api.get(
        "/api/v1/metrics/incidents/", {"from": iso(start), "service": [vpn.pk], "priority": [3, 4]}
    )
    assert answer.status_code == 200
    body = answer.json()
    form = ScopeForm({"from": iso(start), "service": [vpn.pk], "priority": [3, 4]})
    assert form.is_valid()
    expected = incidents_table(form.scope())
    assert body["incidents"] == expected.extra["incidents"] > 0
    assert [row["measure"] for row in body["rows"]] == [
        "mttd",
        "mtta",
        "mttr_recover",
        "mttr_resolve",
    ]
    assert body["rows"][1]["count"] == expected.rows[1]["count"]
    assert body["rows"][1]["p90"] == pytest.approx(expected.rows[1]["p90"])
    everything = agent_api.get("/api/v1/metrics/incidents/", {"from": iso(start)}).json()
    assert everything["incidents"] > body["incidents"]


def test_every_table_downloads_as_csv(desk, agent_api):
    for url in URLS:
        answer = agent_api.get(url, {"format": "csv"})
        assert answer.status_code == 200
        assert answer["Content-Type"].startswith("text/csv")
        disposition = answer["Content-Disposition"]
        assert disposition.startswith('attachment; filename="metrics-')
        assert disposition.endswith('.csv"')
        lines = list(csv.reader(io.StringIO(answer.content.decode())))
        rows = agent_api.get(url).json()["rows"]
        assert rows, url
        assert lines[0] == list(rows[0])
        assert len(lines) == 1 + len(rows)


def test_accept_text_csv_is_the_same_as_format_csv(desk, agent_api):
    by_header = agent_api.get("/api/v1/metrics/backlog/", HTTP_ACCEPT="text/csv")
    by_param = agent_api.get("/api/v1/metrics/backlog/", {"format": "csv"})
    assert by_header["Content-Type"].startswith("text/csv")
    assert by_header.content == by_param.content


def test_a_name_a_spreadsheet_would_run_is_quoted_in_csv(desk, agent_api):
    start = iso(timezone.now() - timedelta(days=200))
    answer = agent_api.get("/api/v1/metrics/services/", {"format": "csv", "from": start})
    names = [row[1] for row in csv.reader(io.StringIO(answer.content.decode()))]
    assert "'=Payroll" in names and "=Payroll" not in names


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-05-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}, "to"),
        ({"from": "2001-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "to"),
        ({"from": "1969-12-31T00:00:00Z"}, "from"),
        ({"to": "2026-01-01T00:00:00-18:00"}, "to"),
        ({"service": "9223372036854775808"}, "service"),
        ({"service": "999999"}, "service"),
        ({"team": "x"}, "team"),
        ({"priority": "9"}, "priority"),
        ({"severity": "0"}, "severity"),
        ({"category": "-1"}, "category"),
        ({"format": "xml"}, "format"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(agent_api, params, field):
    for url in URLS:
        answer = agent_api.get(url, params)
        assert answer.status_code == 400, (url, answer.content)
        assert answer["Content-Type"] == "application/json"
        body = answer.json()
        assert body["code"] == "invalid" and field in body["errors"]


def test_a_period_bound_given_twice_is_refused(agent_api):
    answer = agent_api.get(
        "/api/v1/metrics/incidents/?from=2026-01-01T00:00Z&from=2026-02-01T00:00Z"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["from"] == ["Give one value."]


def test_only_agents_read_metrics(caller_api):
    for url in URLS:
        answer = caller_api.get(url)
        assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
        assert caller_api.get(url, {"format": "csv"})["Content-Type"] == "application/json"


def test_without_a_session_or_token_it_is_a_401(client):
    answer = client.get("/api/v1/metrics/incidents/")
    assert answer.status_code == 401 and answer.json()["code"] == "not_authenticated"
