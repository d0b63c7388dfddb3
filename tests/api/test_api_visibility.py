"""End users see their own incidents only; everything else is a 404, never a 403."""

import pytest

from tests.api.conftest import url
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(make_incident, stranger, other_agent):
    return make_incident(caller=other_agent, title="Someone else's")


def numbers(response) -> list[str]:
    assert response.status_code == 200
    return [row["number"] for row in response.json()["results"]]


def test_caller_lists_own_incidents_only(caller_api, incident, others):
    assert numbers(caller_api.get("/api/v1/incidents/")) == [incident.number]


def test_agent_lists_everything(agent_api, incident, others):
    assert set(numbers(agent_api.get("/api/v1/incidents/"))) == {incident.number, others.number}


def test_stranger_lists_nothing(stranger, incident):
    assert numbers(api_for(stranger).get("/api/v1/incidents/")) == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("patch", "", {"title": "Mine now"}),
        ("get", "timeline", None),
        ("get", "comments", None),
        ("post", "comments", {"body": "Hello?"}),
        ("get", "work-notes", None),
        ("get", "history", None),
        ("post", "resume", {}),
        ("post", "reopen", {"reason": "x"}),
        ("post", "confirm", {}),
        ("post", "cancel", {"reason": "x"}),
    ],
)
def test_others_numbers_are_404(caller_api, others, method, path, body):
    before = others.timeline.count(), others.history.count()
    response = getattr(caller_api, method)(url(others, path), body, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert (others.timeline.count(), others.history.count()) == before


def test_caller_may_comment_but_not_edit_own(caller_api, caller, incident):
    response = caller_api.post(url(incident, "comments"), {"body": "Any news?"}, format="json")
    assert response.status_code == 201
    assert response.json()["author"]["id"] == caller.pk
    assert response.json()["kind"] == "comment"

    patch = caller_api.patch(url(incident), {"title": "Mine"}, format="json")
    assert patch.status_code == 403 and patch.json()["code"] == "forbidden"
    for path in ("work-notes", "history"):
        assert caller_api.get(url(incident, path)).status_code == 403


def test_caller_never_sees_work_notes(agent_api, caller_api, incident):
    agent_api.post(url(incident, "work-notes"), {"body": "Caller is VIP"}, format="json")
    agent_api.post(url(incident, "comments"), {"body": "Working on it"}, format="json")

    kinds = [row["kind"] for row in caller_api.get(url(incident, "timeline")).json()["results"]]
    assert "work_note" not in kinds and "comment" in kinds
    agent_kinds = [
        row["kind"] for row in agent_api.get(url(incident, "timeline")).json()["results"]
    ]
    assert "work_note" in agent_kinds
    notes = agent_api.get(url(incident, "work-notes")).json()["results"]
    assert [note["body"] for note in notes] == ["Caller is VIP"]


def test_caller_reply_to_awaiting_caller_resumes(agent_api, caller_api, incident):
    agent_api.post(url(incident, "hold"), {"hold_reason": "awaiting_caller"}, format="json")
    caller_api.post(url(incident, "comments"), {"body": "It is PC-42"}, format="json")
    assert caller_api.get(url(incident)).json()["status_display"] == "In Progress"


def test_end_user_reports_as_caller_through_portal(caller_api, caller, service):
    response = caller_api.post(
        "/api/v1/incidents/", {"title": "VPN down", "service": service.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["caller"]["id"] == caller.pk and body["source"] == "portal"
    assert response["Location"] == body["url"]
    assert caller_api.get(url(body["number"])).status_code == 200


def test_end_user_may_not_set_agent_fields(caller_api, agent):
    response = caller_api.post(
        "/api/v1/incidents/",
        {"title": "VPN down", "assigned_to": agent.pk, "impact": 1},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"assigned_to", "impact"}


def test_agent_reports_for_a_caller(agent_api, agent, caller, team):
    response = agent_api.post(
        "/api/v1/incidents/",
        {
            "title": "Printer on fire",
            "caller": caller.pk,
            "impact": 1,
            "urgency": 1,
            "assignment_group": team.pk,
            "assigned_to": agent.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source"] == "api" and body["priority"] == 1 and body["is_major"]
    assert body["caller"]["id"] == caller.pk and body["assigned_to"]["id"] == agent.pk


def test_agent_edits_and_reassigns(agent_api, other_agent, incident):
    response = agent_api.patch(
        url(incident),
        {"assigned_to": other_agent.pk, "reason": "Bob knows Outlook"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["assigned_to"]["username"] == "bob"
    assert incident.history.order_by("-history_id")[0].history_change_reason == (
        "Bob knows Outlook"
    )
