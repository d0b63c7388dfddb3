"""GET .../history/ shows every tracked field each save changed (title, impact, the
service, resolution codes, milestones...), with who, when and why, for incidents, problems
and changes; its query count does not grow with the number of versions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Service
from changes.workflow import change_update
from incidents.models import ResolutionCode
from incidents.workflow import incident_move, incident_resolve, incident_update
from problems.workflow import problem_update
from tests.api.conftest import url

pytestmark = pytest.mark.django_db


def changes_of(record: dict) -> dict:
    return {change["field"]: (change["old"], change["new"]) for change in record["changes"]}


def test_an_edit_shows_each_field_it_changed_with_who_and_why(agent_api, agent, incident, team):
    # A P1 that its service does not declare a major incident: the edit is the last row.
    other = Service.objects.create(name="VPN", owner_team=team, auto_declare_major="never")
    incident_update(
        incident,
        by=agent,
        changes={"title": "Mail down for all", "impact": 1, "urgency": 1, "service": other},
        reason="Whole floor affected",
    )
    records = agent_api.get(url(incident, "history")).json()["results"]
    edit, created = records[0], records[-1]
    assert edit["history_type"] == "~"
    assert edit["history_user"]["id"] == agent.pk
    assert edit["history_change_reason"] == "Whole floor affected"
    changed = changes_of(edit)
    assert changed["title"] == ("Cannot send email", "Mail down for all")
    assert changed["impact"] == (2, 1) and changed["urgency"] == (2, 1)
    assert changed["service"] == (incident.service_id, other.pk)
    assert changed["priority"][1] == 1  # derived from impact and urgency, recorded too
    assert "updated_at" not in changed and "status" not in changed
    # The creation lists what the record started with.
    assert created["history_type"] == "+"
    assert changes_of(created)["title"] == (None, "Cannot send email")


def test_a_move_shows_its_codes_and_milestones(agent_api, agent, incident):
    incident_move(incident, "acknowledge", by=agent)
    incident_resolve(
        incident,
        by=agent,
        resolution_code=ResolutionCode.SOLUTION_PROVIDED,
        resolution_notes="Restarted the relay",
    )
    resolved = changes_of(agent_api.get(url(incident, "history")).json()["results"][0])
    assert resolved["status"][1] == 6
    assert resolved["resolution_code"] == ("", "solution_provided")
    assert resolved["resolution_notes"] == ("", "Restarted the relay")
    assert resolved["resolved_at"][0] is None and resolved["resolved_at"][1]


def test_problems_and_changes_show_their_fields(agent_api, agent, problem, make_change):
    problem_update(problem, by=agent, changes={"title": "Relay drops TLS"}, reason="Narrowed")
    record = agent_api.get(f"/api/v1/problems/{problem.number}/history/").json()["results"][0]
    assert changes_of(record)["title"] == ("Mail server drops connections", "Relay drops TLS")
    assert record["history_change_reason"] == "Narrowed"

    change = make_change()
    change_update(change, by=agent, changes={"backout_plan": "Roll back the package"})
    record = agent_api.get(f"/api/v1/changes/{change.number}/history/").json()["results"][0]
    assert changes_of(record)["backout_plan"] == ("Restore the snapshot", "Roll back the package")


def test_a_page_of_history_costs_the_same_for_12_or_26_versions(agent_api, agent, incident):
    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = agent_api.get(url(incident, "history"), {"page_size": 10})
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    for i in range(11):
        incident_update(incident, by=agent, changes={"title": f"Edit {i}"})
    few = cost()
    for i in range(14):
        incident_update(incident, by=agent, changes={"title": f"More {i}"})
    many = cost()
    # The incident, the page, the row before the page: however many versions there are.
    assert few == (3, 10) and many == (3, 10)
    # The oldest row of a later page still shows its change: the row before it is read.
    first = agent_api.get(url(incident, "history"), {"page_size": 10}).json()
    second = agent_api.get(first["next"]).json()["results"]
    assert changes_of(second[0])["title"] == ("More 2", "More 3")
    assert changes_of(second[-1])["title"] == ("Edit 4", "Edit 5")
