"""``GET /api/v1/search/?q=``: the same results as the admin's search box, for anyone
signed in, within what each may see; bad input is a 400 with a code."""

import pytest

from incidents.workflow import incident_add_note
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def found(response, kind: str = "incident") -> list[str]:
    assert response.status_code == 200, response.json()
    groups = {group["type"]: group for group in response.json()["groups"]}
    return [hit["number"] for hit in groups.get(kind, {"results": []})["results"]]


def test_a_word_only_in_a_work_note_is_found_by_agents_not_by_the_caller(
    make_incident, agent, caller, agent_api, caller_api
):  # fmt: skip
    incident = make_incident(caller=caller, title="Screen flickers")
    incident_add_note(incident, by=agent, body="Driver from the plutonium vendor.", internal=True)

    assert found(agent_api.get("/api/v1/search/", {"q": "plutonium"})) == [incident.number]
    assert found(caller_api.get("/api/v1/search/", {"q": "plutonium"})) == []
    # The caller still finds their incident by its title.
    assert found(caller_api.get("/api/v1/search/", {"q": "screen flickers"})) == [incident.number]


def test_the_answer_names_each_hit_and_where_it_matched(make_incident, agent, agent_api):
    incident = make_incident(title="Badge reader dead", description="At the north door.")
    incident_add_note(incident, by=agent, body="The badge reader needs power.", internal=True)

    body = agent_api.get("/api/v1/search/", {"q": "badge reader"}).json()

    assert body["query"] == "badge reader"
    assert body["jump"] is None
    assert [group["type"] for group in body["groups"]][:4] == [
        "incident", "problem", "known_error", "change"
    ]  # fmt: skip
    (hit,) = body["groups"][0]["results"]
    assert hit["number"] == incident.number
    assert hit["type"] == "incident"
    assert hit["status"] == "New"
    assert hit["matched"] == ["details", "work note"]
    assert hit["url"] == f"/api/v1/incidents/{incident.number}/"


def test_a_number_is_a_jump(incident, agent_api, caller_api, stranger):
    value = int(incident.number[3:])
    body = agent_api.get("/api/v1/search/", {"q": f"inc{value}"}).json()
    assert body["jump"]["number"] == incident.number
    assert body["groups"] == []
    # Not to an incident someone else called in.
    other = api_for(stranger).get("/api/v1/search/", {"q": incident.number}).json()
    assert other["jump"] is None


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}])
def test_a_missing_blank_or_long_query_is_a_400(agent_api, params):
    response = agent_api.get("/api/v1/search/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_signing_in_is_required():
    response = api_for(None).get("/api/v1/search/", {"q": "mail"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
