"""The change API: each type's path, every forbidden move 409 with nothing saved,
approve/reject (never one's own), conflicts as 409 `schedule_conflict`, links and the
failure rate."""

from datetime import timedelta

import pytest
import yaml

from changes.models import Change, Status
from tests.conftest import api_for
from tests.factories import CHANGE_FORBIDDEN, CHANGE_INPUTS, CHANGE_PATHS

pytestmark = pytest.mark.django_db


def url(change, action: str = "") -> str:
    number = change if isinstance(change, str) else change.number
    return f"/api/v1/changes/{number}/" + (f"{action}/" if action else "")


@pytest.mark.parametrize("kind", ["normal", "emergency", "standard"])
def test_each_type_through_the_api(agent, other_agent, manager, service, template, kind):
    client = api_for(agent)
    body = {
        "title": "Upgrade",
        "type": kind,
        "services": [service.pk],
        "planned_start": "2030-01-01T10:00:00Z",
        "planned_end": "2030-01-01T12:00:00Z",
    }
    if kind == "standard":
        body["template"] = template.pk
    response = client.post("/api/v1/changes/", body, format="json")
    assert response.status_code == 201, response.json()
    number = response.json()["number"]
    approver = api_for(manager if kind == "emergency" else other_agent)
    for name in CHANGE_PATHS[kind][Status.CLOSED]:
        if name == "approve":
            response = approver.post(url(number, "approve"), {"comment": "OK"}, format="json")
        else:
            response = client.post(url(number, name), CHANGE_INPUTS[name], format="json")
        assert response.status_code == 200, (name, response.json())
    data = client.get(url(number)).json()
    assert data["status"] == Status.CLOSED and data["close_code"] == "successful"
    timeline = client.get(url(number, "timeline"), {"page_size": 100}).json()["results"]
    moves = [e["verb"] for e in timeline if e["verb"] in CHANGE_INPUTS]
    assert moves == [n for n in CHANGE_PATHS[kind][Status.CLOSED] if n != "approve"]


@pytest.mark.parametrize(("kind", "status", "move"), CHANGE_FORBIDDEN)
def test_forbidden_moves_are_409(manager_api, change_in, kind, status, move):
    change = change_in(status, type=kind)
    before = change.history.count(), change.timeline.count()
    response = manager_api.post(url(change, move), CHANGE_INPUTS[move], format="json")
    assert response.status_code == 409 and response.json()["code"] == "move_not_allowed"
    change.refresh_from_db()
    assert (change.status, change.history.count(), change.timeline.count()) == (status, *before)


def test_self_approval_is_403_and_reject_returns_to_new(agent_api, change_in, other_agent):
    change = change_in(Status.AUTHORIZE)
    response = agent_api.post(url(change, "approve"), {}, format="json")
    assert response.status_code == 403 and "own change" in response.json()["message"]
    other = api_for(other_agent)
    assert other.post(url(change, "reject"), {}, format="json").status_code == 400
    response = other.post(url(change, "reject"), {"comment": "Too risky"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == Status.NEW
    assert response.json()["approvals"][0]["state"] == "rejected"


def test_awaiting_my_approval(change_in, other_agent, agent_api):
    change = change_in(Status.AUTHORIZE)
    mine = api_for(other_agent).get("/api/v1/changes/", {"awaiting_my_approval": "true"})
    assert [c["number"] for c in mine.json()["results"]] == [change.number]
    assert not agent_api.get("/api/v1/changes/", {"awaiting_my_approval": "true"}).json()["results"]


def test_conflict_is_409_and_manager_overrides(agent_api, manager_api, change_in, make_change):
    booked = change_in(Status.SCHEDULED, type="standard")
    change = make_change(
        type="standard",
        planned_start=booked.planned_start + timedelta(hours=1),
        planned_end=booked.planned_end + timedelta(hours=1),
    )
    assert agent_api.get(url(change, "conflicts")).json()[0]["reference"] == booked.number
    response = agent_api.post(url(change, "schedule"), {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "schedule_conflict"
    response = agent_api.post(url(change, "schedule"), {"override_reason": "x"}, format="json")
    assert response.status_code == 403
    response = manager_api.post(url(change, "schedule"), {"override_reason": "CEO"}, format="json")
    assert response.status_code == 200 and response.json()["conflict_override_reason"] == "CEO"


def test_links_and_failure_rate(agent_api, change_in, incident, problem):
    change = change_in(Status.CLOSED, type="standard")
    change_in(Status.CLOSED, type="standard")
    response = agent_api.post(
        url(change, "caused-incidents"), {"numbers": [incident.number]}, format="json"
    )
    assert response.json()["links"]["caused_incidents"][0]["number"] == incident.number
    response = agent_api.post(
        url(change, "fixes-problems"), {"numbers": [problem.number]}, format="json"
    )
    assert response.json()["links"]["fixes_problems"][0]["number"] == problem.number
    incident_links = agent_api.get(f"/api/v1/incidents/{incident.number}/").json()["links"]
    assert incident_links["caused_by_change"][0]["number"] == change.number
    problem_links = agent_api.get(f"/api/v1/problems/{problem.number}/").json()["links"]
    assert problem_links["fixed_by_changes"][0]["number"] == change.number
    rate = agent_api.get("/api/v1/changes/failure-rate/").json()
    assert rate == {"closed": 2, "failed": 1, "rate": 0.5}


def test_end_users_see_no_changes(caller, change_in):
    change = change_in(Status.NEW)
    client = api_for(caller)
    assert client.get(url(change)).status_code == 404
    assert client.post(url(change, "approve"), {}, format="json").status_code == 404
    assert client.get("/api/v1/changes/failure-rate/").status_code == 403


def test_every_change_move_is_documented(agent_api):
    schema = yaml.safe_load(agent_api.get("/api/schema/").content)
    for move in Change.moves:
        operation = schema["paths"][f"/api/v1/changes/{{number}}/{move.name}/"]["post"]
        assert operation["summary"] == move.label
    for path in ("approve", "reject", "conflicts", "timeline", "history", "caused-incidents"):
        assert f"/api/v1/changes/{{number}}/{path}/" in schema["paths"]
    assert "/api/v1/changes/failure-rate/" in schema["paths"]
