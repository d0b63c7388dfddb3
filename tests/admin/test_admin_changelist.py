"""The incident list: the agent's queues, filters, search and the priority badge."""

import pytest

from accounts.models import User
from catalog.models import Team
from incidents.models import Status
from tests.admin.conftest import changelist_url

pytestmark = pytest.mark.django_db


def listed(client, query: str = "") -> set[str]:
    response = client.get(changelist_url() + query)
    assert response.status_code == 200
    return {incident.number for incident in response.context["cl"].result_list}


@pytest.fixture
def board(incident_in, agent, other_agent):
    """Incidents spread over assignees, groups and states."""
    elsewhere = Team.objects.create(name="Network")
    return {
        "mine": incident_in(Status.IN_PROGRESS, assigned_to=agent),
        "mine_resolved": incident_in(Status.RESOLVED, assigned_to=agent),
        "bobs": incident_in(Status.NEW, assigned_to=other_agent),
        "unassigned": incident_in(Status.NEW),
        "unassigned_elsewhere": incident_in(Status.NEW, assignment_group=elsewhere),
        "unassigned_closed": incident_in(Status.CANCELED),
    }


def numbers(board, *names):
    return {board[name].number for name in names}


def test_the_queues_are_one_click_away(agent_client, board):
    html = agent_client.get(changelist_url()).content.decode()
    assert 'href="/admin/incidents/incident/?queue=mine"' in html
    assert 'href="/admin/incidents/incident/?queue=unassigned"' in html

    assert listed(agent_client, "?queue=mine") == numbers(board, "mine")
    assert listed(agent_client, "?queue=unassigned") == numbers(board, "unassigned")


def test_assignee_filter_knows_me(agent_client, board):
    assert listed(agent_client, "?assignee=me") == numbers(board, "mine", "mine_resolved")
    assert listed(agent_client, "?assignee=nobody") == numbers(
        board, "unassigned", "unassigned_elsewhere", "unassigned_closed"
    )


def test_open_filter(agent_client, board):
    assert listed(agent_client, "?open=yes") == numbers(
        board, "mine", "bobs", "unassigned", "unassigned_elsewhere"
    )
    assert listed(agent_client, "?open=no") == numbers(board, "mine_resolved", "unassigned_closed")


def test_field_filters(agent_client, board):
    assert listed(agent_client, f"?status__exact={Status.RESOLVED}") == numbers(
        board, "mine_resolved"
    )
    group = board["unassigned_elsewhere"].assignment_group_id
    assert listed(agent_client, f"?assignment_group__id__exact={group}") == numbers(
        board, "unassigned_elsewhere"
    )
    assert len(listed(agent_client, "?priority__exact=3")) == 6


def test_search_by_number_and_by_caller(agent_client, board, make_incident):
    other_caller = User.objects.create_user("dora", email="dora@corp.example")
    theirs = make_incident(caller=other_caller, title="Printer on fire")
    target = board["bobs"].number

    assert listed(agent_client, f"?q={target}") == {target}
    assert listed(agent_client, "?q=dora") == {theirs.number}
    assert listed(agent_client, "?q=corp.example") == {theirs.number}
    assert listed(agent_client, "?q=fire") == {theirs.number}


def test_the_priority_is_a_coloured_badge(agent_client, make_incident):
    make_incident(impact=1, urgency=1)

    html = agent_client.get(changelist_url()).content.decode()

    assert '<span class="priority-badge priority-1">1 - Critical</span>' in html
    # The colour comes from the console's stylesheet: the CSP refuses style="" attributes.
    assert "kernel/admin.css" in html


def test_the_bare_list_shows_open_incidents_and_all_is_one_click(agent_client, board):
    open_ones = numbers(board, "mine", "bobs", "unassigned", "unassigned_elsewhere")
    response = agent_client.get(changelist_url())
    assert {i.number for i in response.context["cl"].result_list} == open_ones
    html = response.content.decode()
    # The filter says so, and "All" is a link of its own.
    assert '<li class="selected">\n    <a href="?open=yes"' in html or 'href="?open=yes"' in html
    assert 'href="?open=all"' in html
    assert listed(agent_client, "?open=all") == numbers(board, *board)
    # A search looks everywhere: a closed incident's number finds it.
    closed = board["mine_resolved"].number
    assert listed(agent_client, f"?q={closed}") == {closed}
