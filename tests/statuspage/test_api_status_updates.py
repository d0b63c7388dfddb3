"""``/api/v1/incidents/{number}/status-updates/``: agents post (201), anyone who sees the
incident lists (200); 403 for end users, 404 for numbers they cannot see, 400 with field
errors. Each post leaves a timeline event and a history row."""

import pytest

from statuspage.models import PublicIncident, StatusUpdate
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def url(number: str) -> str:
    return f"/api/v1/incidents/{number}/status-updates/"


def test_agent_posts_and_lists(agent_api, incident, agent):
    first = agent_api.post(
        url(incident.number),
        {"title": "Email delays", "phase": "investigating", "body": "Looking into it."},
        format="json",
    )
    assert first.status_code == 201, first.json()
    assert first.json()["impact"] == "degraded_performance"  # P3, no severity: the default
    second = agent_api.post(
        url(incident.number),
        {"phase": "identified", "impact": "major_outage", "body": "A relay is down."},
        format="json",
    )
    assert second.status_code == 201
    listed = agent_api.get(url(incident.number))
    assert listed.status_code == 200
    assert [u["body"] for u in listed.json()] == ["A relay is down.", "Looking into it."]
    assert listed.json()[0]["url"].endswith(f"/status/incidents/{incident.number}/")

    public = PublicIncident.objects.get(incident=incident)
    assert (public.title, public.phase, public.impact) == (
        "Email delays",
        "identified",
        "major_outage",
    )
    # The timeline of the incident says so, publicly, with who did it.
    events = incident.timeline.filter(verb="status_update").order_by("created_at")
    assert [e.body for e in events] == ["Looking into it.", "A relay is down."]
    assert events[1].author == agent and events[1].is_public
    assert events[1].data["phase"] == "identified"
    # And the history records each write with its author.
    history = public.history.order_by("history_date")
    assert [h.phase for h in history] == ["investigating", "identified"]
    assert {h.history_user for h in history} == {agent}
    assert StatusUpdate.history.filter(history_user=agent).count() == 2


def test_caller_may_list_but_not_post(incident, caller, agent_api):
    agent_api.post(
        url(incident.number), {"title": "T", "phase": "investigating", "body": "B"}, format="json"
    )
    api = api_for(caller)
    assert api.get(url(incident.number)).status_code == 200
    refused = api.post(url(incident.number), {"phase": "resolved", "body": "x"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert StatusUpdate.objects.count() == 1


def test_numbers_a_user_cannot_see_are_404(incident, stranger, agent_api):
    assert api_for(stranger).get(url(incident.number)).status_code == 404
    missing = agent_api.post(url("INC9999999"), {"phase": "resolved", "body": "x"}, format="json")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_unauthenticated_is_401(incident):
    assert api_for(None).get(url(incident.number)).status_code == 401


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"phase": "investigating", "body": ""}, {"body"}),
        ({"phase": "panicking", "body": "x", "title": "T"}, {"phase"}),
        ({"phase": "investigating", "body": "x", "impact": "meh", "title": "T"}, {"impact"}),
        ({"phase": "investigating", "body": "x" * 5001, "title": "T"}, {"body"}),
        ({"phase": "investigating", "body": "x", "title": "T" * 201}, {"title"}),
        ({"phase": "investigating", "body": "x"}, {"title"}),  # the first needs a title
        ({"phase": "investigating", "body": "x", "title": "T", "priority": 1}, {"priority"}),
    ],
)
def test_bad_input_is_400_with_field_errors(agent_api, incident, payload, fields):
    response = agent_api.post(url(incident.number), payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == fields
    assert not PublicIncident.objects.exists()
