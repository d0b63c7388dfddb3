"""The incident list's "Time left" column and "SLA" filter: green while there is time,
amber once warned or due within SLA_SOON_MINUTES, red once breached; "paused", "met" and
"missed" in words; sorted by the next deadline; the same number of queries for 5 incidents
as for 40, whatever their clocks."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Incident
from tests.admin.conftest import changelist_url, client_for
from tests.sla.support import at, move

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def four_hours(always, define):
    # 75 % of 4 h is 3 h: warned after 3 h, breached after 4 h.
    return define("P3 in 4 h", always, response_target=4, resolution_target=4)


@pytest.fixture
def logged_ago(make_incident, four_hours):
    def make(title: str, ago: timedelta) -> Incident:
        with at(NOW - ago):
            return make_incident(title=title)

    return make


def resolve(incident: Incident, ago: timedelta, by) -> Incident:
    return move(
        incident,
        "resolve",
        NOW - ago,
        by,
        resolution_code="solution_provided",
        resolution_notes="Fixed.",
    )


@pytest.fixture
def board(logged_ago, agent):
    """One incident in each state the column shows (the alarms have not run: what the
    list shows comes from the due instants, not the stamps)."""
    hour = timedelta(hours=1)
    incidents = {
        "ok": logged_ago("Plenty of time", timedelta(0)),
        "soon": logged_ago("Warned", 3.5 * hour),
        "breached": logged_ago("Past due", 5 * hour),
        "paused": logged_ago("Waiting for the caller", hour),
        "met": logged_ago("Fixed in time", 2 * hour),
        "missed": logged_ago("Fixed late", 6 * hour),
    }
    move(incidents["paused"], "hold", NOW - 0.5 * hour, agent, hold_reason="awaiting_caller")
    resolve(incidents["met"], hour, agent)
    resolve(incidents["missed"], hour, agent)
    return incidents


def rows(html: str) -> dict[str, str]:
    """Each listed incident's number -> its row's HTML."""
    found = {}
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S):
        number = re.search(r"INC\d{7}", row)
        if number:
            found[number.group()] = row
    return found


def cell(row: str) -> tuple[str, str] | None:
    match = re.search(r'<span class="sla-time-left sla-(\w+)">([^<]*)</span>', row)
    return (match.group(1), match.group(2)) if match else None


def page(client, query: str = "") -> str:
    """The incident list as an agent sees it at NOW (the clock stands still, so the time
    left reads the same however long the test takes)."""
    # Every incident: the bare list shows only the open ones, and met or missed clocks
    # belong to resolved incidents.
    query = f"{query}&open=all" if query else "?open=all"
    with at(NOW):
        response = client.get(changelist_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def listed(client, query: str = "") -> list[str]:
    return list(rows(page(client, query)))


def sort_index(html: str) -> str:
    header = re.search(r'<th[^>]*column-time_left[^>]*>.*?href="\?o=(\d+)[."]', html, flags=re.S)
    assert header, "the Time left column is sortable"
    return header.group(1)


def test_the_column_shows_each_state_in_colour_and_words(board, agent):
    html = page(client_for(agent))
    assert "Time left" in html
    shown = {state: cell(rows(html)[board[state].number]) for state in board}
    assert shown["ok"] == ("ok", "4 h 00 min")
    assert shown["soon"] == ("soon", "30 min")
    assert shown["breached"] == ("breached", "1 h 00 min over")
    assert shown["paused"] == ("paused", "paused")
    assert shown["met"] == ("met", "met")
    assert shown["missed"] == ("missed", "missed")


def test_due_within_the_soon_window_is_amber_before_the_warning(logged_ago, agent, settings):
    settings.SLA_SOON_MINUTES = 120
    incident = logged_ago("Two hours to go", timedelta(hours=2, minutes=30))  # not warned
    html = page(client_for(agent))
    assert cell(rows(html)[incident.number]) == ("soon", "1 h 30 min")


def test_the_column_sorts_by_the_next_deadline(board, agent):
    client = client_for(agent)
    index = sort_index(page(client))
    order = listed(client, f"?o={index}")
    running = [board[state].number for state in ("breached", "soon", "ok")]
    assert order[:3] == running  # nearest deadline first; nothing running after
    assert set(order[3:]) == {board[s].number for s in ("paused", "met", "missed")}
    reverse = listed(client, f"?o=-{index}")
    assert [n for n in reverse if n in running] == running[::-1]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("soon", {"soon"}),
        ("breached", {"breached", "missed"}),
        ("paused", {"paused"}),
        ("met", {"met"}),
        ("missed", {"missed"}),
    ],
)
def test_the_sla_filter(board, agent, choice, expected):
    assert f"sla={choice}" in page(client_for(agent))  # offered
    assert set(listed(client_for(agent), f"?sla={choice}")) == {
        board[state].number for state in expected
    }


def test_queries_do_not_grow_with_incidents_and_clocks(
    logged_ago, agent, django_assert_max_num_queries
):
    client = client_for(agent)

    def count(query: str) -> int:
        with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as queries:
            page(client, query)
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            incident = logged_ago(f"Outage {i}", timedelta(minutes=50 * i))
            if i % 3 == 0:
                move(incident, "hold", NOW, agent, hold_reason="awaiting_caller")

    add(5)
    sort = f"?o={sort_index(page(client))}"  # also warms the process-wide caches
    small = {query: count(query) for query in ("", sort, "?sla=soon", "?sla=breached")}
    add(35)
    big = {query: count(query) for query in small}
    print(f"incident list: {small} queries at 5 incidents (10 clocks), {big} at 40 (80)")
    assert big == small
