"""The problem API: a problem through every state, forbidden moves refused with 409 and
nothing saved, incidents linked and resolved, known errors and the recurring report."""

import pytest

from incidents.models import Status as IncidentStatus
from problems.models import Problem, Status
from tests.conftest import api_for
from tests.factories import PROBLEM_FORBIDDEN, PROBLEM_INPUTS

pytestmark = pytest.mark.django_db


def url(problem, action: str = "") -> str:
    number = problem if isinstance(problem, str) else problem.number
    return f"/api/v1/problems/{number}/" + (f"{action}/" if action else "")


def test_every_state_through_the_api(agent_api, manager_api, incident, service):
    response = agent_api.post(
        "/api/v1/problems/",
        {"title": "Mail drops", "service": service.pk, "incidents": [incident.number]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    number = response.json()["number"]
    assert response.json()["links"]["incidents"][0]["number"] == incident.number
    assert (
        agent_api.get(f"/api/v1/incidents/{incident.number}/").json()["links"]["problem"][0][
            "number"
        ]
        == number
    )
    walk = [
        ("assess", {}, Status.ASSESS),
        ("analyze", {}, Status.ROOT_CAUSE_ANALYSIS),
        ("mark_known_error", {"workaround": "Webmail"}, Status.ROOT_CAUSE_ANALYSIS),
        ("start_fix", {"root_cause": "Certificate"}, Status.FIX_IN_PROGRESS),
        ("resolve", {"fix_notes": "Renewed"}, Status.RESOLVED),
        ("close", {}, Status.CLOSED),
    ]
    for move, body, status in walk:
        response = agent_api.post(url(number, move), body, format="json")
        assert response.status_code == 200, (move, response.json())
        assert response.json()["status"] == status
    data = agent_api.get(url(number)).json()
    assert data["known_error"] and data["allowed_moves"] == []
    history = agent_api.get(url(number, "history")).json()["results"]
    assert len(history) == 1 + len(walk)
    timeline = agent_api.get(url(number, "timeline")).json()["results"]
    assert [e["verb"] for e in timeline][-len(walk) :] == [m for m, _, _ in walk]


@pytest.mark.parametrize(("status", "move"), PROBLEM_FORBIDDEN)
def test_forbidden_moves_are_409_and_save_nothing(manager_api, problem_in, status, move):
    problem = problem_in(status)
    before = problem.history.count(), problem.timeline.count()
    response = manager_api.post(url(problem, move), PROBLEM_INPUTS[move], format="json")
    assert response.status_code == 409 and response.json()["code"] == "move_not_allowed"
    problem.refresh_from_db()
    assert problem.status == status
    assert (problem.history.count(), problem.timeline.count()) == before


def test_missing_root_cause_is_400(agent_api, problem_in):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    response = agent_api.post(url(problem, "start_fix"), {}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"root_cause"}


def test_link_and_resolve_incidents(agent_api, problem_in, make_incident, agent):
    problem = problem_in(Status.ASSESS)
    incidents = [make_incident(), make_incident()]
    response = agent_api.post(
        url(problem, "link-incidents"), {"incidents": [i.number for i in incidents]}, format="json"
    )
    assert response.status_code == 200
    assert agent_api.post(url(problem, "resolve-incidents")).status_code == 409  # no workaround
    agent_api.post(url(problem, "mark_known_error"), {"workaround": "Webmail"}, format="json")
    response = agent_api.post(url(problem, "resolve-incidents"))
    assert sorted(response.json()["resolved"]) == sorted(i.number for i in incidents)
    for incident in incidents:
        incident.refresh_from_db()
        assert incident.status == IncidentStatus.RESOLVED
        assert (
            incident.history.count() == 2 and incident.timeline.filter(verb="resolve").count() == 1
        )


def test_known_errors_suggested_for_an_incident(agent_api, problem_in, incident, agent):
    problem = problem_in(Status.ASSESS)
    agent_api.post(url(problem, "mark_known_error"), {"workaround": "Webmail"}, format="json")
    response = agent_api.get("/api/v1/known-errors/", {"incident": incident.number})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["number"], row["workaround"]) == (problem.number, "Webmail")
    assert agent_api.get("/api/v1/known-errors/", {"search": "webmail"}).json()["results"]
    assert not agent_api.get("/api/v1/known-errors/", {"incident": "INC404"}).json()["results"]


def test_recurring_report(agent_api, make_incident):
    for _ in range(3):
        make_incident()
    response = agent_api.get("/api/v1/problems/recurring/", {"minimum": 3, "days": 7})
    assert response.status_code == 200
    assert response.json() == [
        {"kind": "service", "id": response.json()[0]["id"], "name": "Email", "incidents": 3}
    ]


def test_end_users_see_no_problems(caller, problem):
    client = api_for(caller)
    assert client.get(url(problem)).status_code == 404
    assert client.get("/api/v1/problems/").json()["results"] == []
    assert client.get("/api/v1/known-errors/").status_code == 403
    assert client.post("/api/v1/problems/", {"title": "x"}, format="json").status_code == 403


def test_every_problem_move_is_documented(agent_api):
    import yaml

    schema = yaml.safe_load(agent_api.get("/api/schema/").content)
    for move in Problem.moves:
        operation = schema["paths"][f"/api/v1/problems/{{number}}/{move.name}/"]["post"]
        assert operation["summary"] == move.label
    for path in ("timeline", "comments", "work-notes", "history", "link-incidents"):
        assert f"/api/v1/problems/{{number}}/{path}/" in schema["paths"]
    assert "/api/v1/known-errors/" in schema["paths"]
