"""``GET /api/v1/sla/clocks/``: agents list every incident's clocks, filter them by target,
state, "breaching within N minutes", breached and incident, page through them with a cursor,
and read one by id. Nobody else does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sla.models import Clock
from tests.conftest import api_for
from tests.sla.support import at, move

pytestmark = pytest.mark.django_db

URL = "/api/v1/sla/clocks/"
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def clocks(make_incident, always, define, agent):
    """Resolution in 4 h on 24x7 (response in 1 h): one incident logged 3.5 h ago (its
    resolution due in 30 min, its response long breached), one now, one on hold."""
    define("P3", always, response_target=1, resolution_target=4)
    with at(NOW - timedelta(hours=3, minutes=30)):
        due_soon = make_incident(title="Due soon")
    with at(NOW):
        fresh = make_incident(title="Fresh")
    with at(NOW - timedelta(hours=1)):
        waiting = make_incident(title="Waiting")
    move(waiting, "hold", NOW - timedelta(minutes=30), agent, hold_reason="awaiting_caller")
    return {"due_soon": due_soon, "fresh": fresh, "waiting": waiting}


def get(client, query: str = "", status: int = 200) -> dict:
    with at(NOW):
        response = client.get(URL + query)
    assert response.status_code == status, response.content
    return response.json()


def pairs(body: dict) -> set[tuple[str, str]]:
    return {(row["incident"], row["target"]) for row in body["results"]}


def test_an_agent_lists_every_clock_with_its_due_time_and_state(clocks, agent):
    body = get(api_for(agent))
    assert len(body["results"]) == 6
    row = next(
        r
        for r in body["results"]
        if r["incident"] == clocks["due_soon"].number and r["target"] == "resolution"
    )
    assert row["state"] == "running"
    assert row["definition"]["name"] == "P3"
    assert row["target_seconds"] == 4 * 3600
    assert row["time_left_seconds"] == 30 * 60
    assert row["due"].startswith((NOW + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    # On hold for the caller: paused, nothing due.
    waiting = [r for r in body["results"] if r["incident"] == clocks["waiting"].number]
    resolution = next(r for r in waiting if r["target"] == "resolution")
    assert resolution["state"] == "paused" and resolution["due"] is None
    assert resolution["time_left_seconds"] == 3 * 3600 + 30 * 60  # 30 min used


def test_filters(clocks, agent):
    client = api_for(agent)
    soon, fresh, waiting = (clocks[k].number for k in ("due_soon", "fresh", "waiting"))
    assert pairs(get(client, "?breaching_within=59")) == {(soon, "resolution")}
    assert pairs(get(client, "?breaching_within=60")) == {(soon, "resolution"), (fresh, "response")}
    assert pairs(get(client, "?breached=true")) == {(soon, "response")}
    assert len(get(client, "?breached=false")["results"]) == 5
    assert pairs(get(client, "?state=paused")) == {(waiting, "resolution")}
    # The hold stamped the acknowledgement: the response clock stopped (and made it).
    assert pairs(get(client, "?state=stopped")) == {(waiting, "response")}
    assert pairs(get(client, f"?incident={fresh.lower()}&target=response")) == {(fresh, "response")}


@pytest.mark.parametrize(
    "query",
    ["?breaching_within=0", "?breaching_within=abc", "?state=asleep", "?breached=maybe"],
)
def test_bad_filters_are_400_with_a_code(clocks, agent, query):
    body = get(api_for(agent), query, status=400)
    assert body["code"]


def test_detail_by_id(clocks, agent):
    clock = Clock.objects.get(incident=clocks["fresh"], target="resolution")
    with at(NOW):
        response = api_for(agent).get(f"{URL}{clock.pk}/")
    assert response.status_code == 200
    assert response.json()["incident"] == clocks["fresh"].number
    assert response.json()["time_left_seconds"] == 4 * 3600


def test_agents_only(clocks, caller):
    assert api_for(None).get(URL).status_code == 401
    body = api_for(caller).get(URL)
    assert body.status_code == 403 and body.json()["code"]


def test_cursor_pages_and_constant_queries(clocks, make_incident, agent):
    client = api_for(agent)
    first = get(client, "?page_size=4")
    assert len(first["results"]) == 4 and first["next"]
    with at(NOW):
        second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            get(client, "?page_size=100")
        return len(queries)

    small = count()
    for i in range(20):
        make_incident(title=f"More {i}")
    assert count() == small
