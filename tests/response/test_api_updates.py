"""The response API: stakeholder updates and stakeholders, agents only, refusals as 4xx."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Team
from response.models import Stakeholder
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def url(incident, tail):
    return f"/api/v1/incidents/{incident.number}/response/{tail}/"


def test_post_and_list_updates(major, agent_api):
    due = (timezone.now() + timedelta(minutes=20)).isoformat()
    posted = agent_api.post(
        url(major, "updates"), {"body": "Rolling back", "next_update_due": due}, format="json"
    )
    assert posted.status_code == 201, posted.content
    assert posted.data["audience"] == "internal" and posted.data["author"]["username"] == "alice"

    listed = agent_api.get(url(major, "updates"))
    assert [row["id"] for row in listed.data] == [posted.data["id"]]


def test_update_refusals_are_4xx(major, make_incident, other_agent, agent_api):
    assert (
        api_for(other_agent).post(url(major, "updates"), {"body": "x"}, format="json").status_code
        == 403
    )
    plain = make_incident()
    answer = agent_api.post(url(plain, "updates"), {"body": "x"}, format="json")
    assert answer.status_code == 403  # the agent leads nothing on it
    assert agent_api.post(url(major, "updates"), {"body": ""}, format="json").status_code == 400
    assert (
        agent_api.post(url(major, "updates"), {"body": "x", "colour": 1}, format="json").status_code
        == 400
    )
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    answer = agent_api.post(
        url(major, "updates"), {"body": "x", "next_update_due": past}, format="json"
    )
    assert answer.status_code == 400 and answer.data["code"] == "invalid"
    assert agent_api.get("/api/v1/incidents/INC9999999/response/updates/").status_code == 404


def test_not_major_is_a_conflict(make_incident, manager_api):
    answer = manager_api.post(url(make_incident(), "updates"), {"body": "x"}, format="json")
    assert answer.status_code == 409 and answer.data["code"] == "move_not_allowed"


def test_callers_may_not_read(major, caller_api):
    assert caller_api.get(url(major, "updates")).status_code == 403
    assert caller_api.get(url(major, "timeline")).status_code == 403


def test_stakeholders_are_added_listed_and_removed(major, agent_api, stranger):
    team = Team.objects.create(name="Executives")
    assert (
        agent_api.post(url(major, "stakeholders"), {"user": stranger.pk}, format="json").status_code
        == 201
    )
    assert (
        agent_api.post(url(major, "stakeholders"), {"team": team.pk}, format="json").status_code
        == 201
    )
    again = agent_api.post(url(major, "stakeholders"), {"user": stranger.pk}, format="json")
    assert again.status_code == 409
    both = agent_api.post(
        url(major, "stakeholders"), {"user": stranger.pk, "team": team.pk}, format="json"
    )
    assert both.status_code == 400
    assert (
        agent_api.post(url(major, "stakeholders"), {"user": 999999}, format="json").status_code
        == 400
    )

    listed = agent_api.get(url(major, "stakeholders")).data
    assert [row["user"] and row["user"]["id"] for row in listed] == [stranger.pk, None]
    assert listed[1]["team"]["name"] == "Executives"

    gone = Stakeholder.objects.get(user=stranger)
    assert agent_api.delete(url(major, f"stakeholders/{gone.pk}")).status_code == 204
    assert agent_api.delete(url(major, f"stakeholders/{gone.pk}")).status_code == 404
    assert gone.history.filter(history_type="-").exists()
