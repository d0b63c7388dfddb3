"""Filters, ordering and cursor pagination of the incident list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Status
from incidents.workflow import incident_acknowledge, incident_resolve, incident_update

pytestmark = pytest.mark.django_db

LIST = "/api/v1/incidents/"


@pytest.fixture
def desk(make_incident, agent, other_agent, team, stranger):
    """Four incidents: mine (in progress), Bob's (new), unassigned P1, and a stranger's
    resolved one."""
    mine = incident_acknowledge(make_incident(title="Mine", assigned_to=agent), by=agent)
    bobs = make_incident(title="Bob's printer", assigned_to=other_agent)
    p1 = make_incident(title="Datacenter down", impact=1, urgency=1)
    theirs = incident_resolve(
        make_incident(title="Stranger's VPN", caller=stranger),
        by=agent,
        resolution_code="solution_provided",
        resolution_notes="ok",
    )
    return {"mine": mine, "bobs": bobs, "p1": p1, "theirs": theirs}


def numbers(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


def test_assigned_to_me_and_none(agent_api, desk):
    assert numbers(agent_api, assigned_to="me") == [desk["mine"].number]
    assert set(numbers(agent_api, assigned_to="none")) == {desk["p1"].number, desk["theirs"].number}
    bob = desk["bobs"].assigned_to_id
    assert numbers(agent_api, assigned_to=bob) == [desk["bobs"].number]


def test_status_accepts_several(agent_api, desk):
    both = numbers(agent_api, status=[Status.NEW, Status.RESOLVED])
    assert set(both) == {desk["bobs"].number, desk["p1"].number, desk["theirs"].number}


def test_open(agent_api, desk):
    assert desk["theirs"].number not in numbers(agent_api, open="true")
    assert numbers(agent_api, open="false") == [desk["theirs"].number]


def test_status_and_priority_combined(agent_api, desk):
    assert numbers(agent_api, status=Status.NEW, priority=1) == [desk["p1"].number]


def test_search_by_number_prefix_title_and_caller(agent_api, desk, stranger):
    number = desk["p1"].number
    assert numbers(agent_api, search=number) == [number]
    assert number in numbers(agent_api, search=number[:6].lower())
    assert numbers(agent_api, search="datacenter") == [number]
    assert numbers(agent_api, search=stranger.username) == [desk["theirs"].number]


def test_created_range(agent_api, desk):
    now = timezone.now()
    assert len(numbers(agent_api, created_after=(now - timedelta(hours=1)).isoformat())) == 4
    assert numbers(agent_api, created_before=(now - timedelta(hours=1)).isoformat()) == []
    incident_update(desk["bobs"], by=None, changes={"title": "Bob's printer again"})
    later = timezone.now()
    assert numbers(agent_api, updated_after=later.isoformat()) == []


def test_invalid_filter_is_400(agent_api, desk):
    for params in ({"status": 99}, {"assigned_to": "someone"}, {"created_after": "yesterday"}):
        response = agent_api.get(LIST, params)
        assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_ordering(agent_api, desk):
    # Priority cannot be a cursor's position (five values); it is ignored like any
    # unknown field, and the default order applies.
    assert numbers(agent_api, ordering="priority") == numbers(agent_api)
    by_number = numbers(agent_api, ordering="number")
    assert by_number == sorted(by_number)
    assert numbers(agent_api, ordering="-number") == by_number[::-1]
    # Default: newest reported first.
    assert numbers(agent_api)[0] == desk["theirs"].number


@pytest.mark.parametrize("ordering", ["-reported_at", "reported_at", "-updated_at", "number"])
def test_cursor_pages_cover_every_incident_once(agent_api, make_incident, ordering):
    created = {make_incident(title=f"#{i}", impact=1 + i % 3).number for i in range(7)}
    seen: list[str] = []
    response = agent_api.get(LIST, {"page_size": 2, "ordering": ordering})
    while True:
        body = response.json()
        assert len(body["results"]) <= 2
        seen += [row["number"] for row in body["results"]]
        if not body["next"]:
            break
        response = agent_api.get(body["next"])
    assert sorted(seen) == sorted(created)
    assert seen == numbers(agent_api, ordering=ordering, page_size=50)
