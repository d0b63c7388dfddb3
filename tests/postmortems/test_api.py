"""The postmortem and action item API: start from an incident, reviewers, the moves
(generated from the move table), the Markdown export, action items and their moves,
each refusal with its code."""

from datetime import date, timedelta

import pytest

from postmortems.models import ActionItem, Postmortem, Status

pytestmark = pytest.mark.django_db


def test_start_a_postmortem_from_an_incident(agent_api, reviewed_incident):
    response = agent_api.post(
        "/api/v1/postmortems/",
        {"incident": reviewed_incident.number, "template": "Lightweight", "lessons": "Cap it."},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("PIR")
    assert body["incident"]["number"] == reviewed_incident.number
    assert body["template"]["name"] == "Lightweight"
    assert [s["key"] for s in body["sections"]] == ["root_causes", "went_badly", "lessons"]
    assert body["lessons"] == "Cap it."
    assert body["status_display"] == "Draft"
    assert set(body["durations"]) >= {"time_to_detect", "time_to_resolve", "reported_to_resolve"}
    assert response["Location"] == body["url"]

    again = agent_api.post(
        "/api/v1/postmortems/", {"incident": reviewed_incident.number}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "move_not_allowed"


def test_unknown_incident_or_template_is_a_400(agent_api, reviewed_incident):
    missing = agent_api.post("/api/v1/postmortems/", {"incident": "INC9999999"}, format="json")
    assert missing.status_code == 400
    assert "incident" in missing.json()["errors"]
    bad = agent_api.post(
        "/api/v1/postmortems/",
        {"incident": reviewed_incident.number, "template": "Nope"},
        format="json",
    )
    assert bad.status_code == 400


def test_callers_see_no_postmortems(caller_api, postmortem):
    assert caller_api.get(f"/api/v1/postmortems/{postmortem.number}/").status_code == 404
    assert caller_api.post(
        "/api/v1/postmortems/", {"incident": postmortem.incident.number}, format="json"
    ).status_code in (403, 404)


def test_review_through_the_api(agent_api, postmortem, other_agent):
    number = postmortem.number
    refused = agent_api.post(f"/api/v1/postmortems/{number}/submit/", {}, format="json")
    assert refused.status_code == 409
    assert "reviewer" in refused.json()["message"]

    named = agent_api.post(
        f"/api/v1/postmortems/{number}/reviewers/", {"user": other_agent.pk}, format="json"
    )
    assert named.status_code == 200
    assert named.json()["reviewers"][0]["user"]["id"] == other_agent.pk

    submitted = agent_api.post(f"/api/v1/postmortems/{number}/submit/", {}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == Status.IN_REVIEW
    assert "approve" not in submitted.json()["allowed_moves"]  # the author's view

    own = agent_api.post(f"/api/v1/postmortems/{number}/approve/", {}, format="json")
    assert own.status_code == 403
    assert own.json()["code"] == "forbidden"

    from tests.conftest import api_for

    reviewer = api_for(other_agent)
    detail = reviewer.get(f"/api/v1/postmortems/{number}/").json()
    assert "approve" in detail["allowed_moves"]
    approved = reviewer.post(f"/api/v1/postmortems/{number}/approve/", {}, format="json")
    assert approved.status_code == 200
    assert approved.json()["reviewers"][0]["approved_at"] is not None

    published = agent_api.post(f"/api/v1/postmortems/{number}/publish/", {}, format="json")
    assert published.status_code == 200
    assert published.json()["status_display"] == "Published"
    assert Postmortem.objects.get(number=number).published_at is not None


def test_blameless_warnings_are_in_the_detail(agent_api, postmortem, agent):
    from postmortems.workflow import postmortem_update

    postmortem_update(postmortem, by=agent, changes={"went_badly": "Alice missed the page."})
    body = agent_api.get(f"/api/v1/postmortems/{postmortem.number}/").json()
    assert body["blameless_warnings"] == [
        {"section": "went_badly", "sentence": "Alice missed the page.", "person": "Alice",
         "phrase": "missed"}
    ]  # fmt: skip


def test_markdown_export(agent_api, postmortem):
    response = agent_api.get(f"/api/v1/postmortems/{postmortem.number}/markdown/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert text.startswith(f"# {postmortem.number}: ")
    for heading in ("## Summary", "## Impact", "## Durations", "## Key events", "## Root causes",
                    "## Lessons", "## Action items", "## Reviewers"):  # fmt: skip
        assert heading in text


def test_edit_is_refused_for_facts(agent_api, postmortem):
    response = agent_api.patch(
        f"/api/v1/postmortems/{postmortem.number}/",
        {"durations": {}, "lessons": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "durations" in response.json()["errors"]


def test_action_items_through_the_api(agent_api, postmortem, other_agent, team):
    created = agent_api.post(
        "/api/v1/action-items/",
        {
            "postmortem": postmortem.number,
            "title": "Alert on queue depth",
            "kind": "detect",
            "owner": other_agent.pk,
            "due_date": (date.today() - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item["overdue"] is True
    assert item["postmortem"] == postmortem.number

    listed = agent_api.get(
        "/api/v1/action-items/", {"overdue": "true", "team": team.pk, "owner": other_agent.pk}
    )
    assert [row["id"] for row in listed.json()["results"]] == [item["id"]]
    assert agent_api.get("/api/v1/action-items/", {"overdue": "false"}).json()["results"] == []

    refused = agent_api.post(
        f"/api/v1/action-items/{item['id']}/move/", {"state": "wont_do"}, format="json"
    )
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    moved = agent_api.post(
        f"/api/v1/action-items/{item['id']}/move/",
        {"state": "wont_do", "reason": "Queue retired"},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json()["state_display"] == "Won't do"
    assert ActionItem.objects.get(pk=item["id"]).wont_do_reason == "Queue retired"

    edited = agent_api.patch(
        f"/api/v1/action-items/{item['id']}/", {"title": "Alert on depth"}, format="json"
    )
    assert edited.status_code == 200
    assert edited.json()["title"] == "Alert on depth"


def test_an_action_item_opens_a_problem_through_the_api(agent_api, postmortem, agent, other_agent):
    from postmortems.action_items import action_item_create

    item = action_item_create(postmortem, by=agent, title="Cap the queue", owner=other_agent)
    response = agent_api.post(f"/api/v1/action-items/{item.pk}/open-problem/", {}, format="json")
    assert response.status_code == 201
    item.refresh_from_db()
    assert response.json()["number"] == item.problem.number


def test_the_list_is_flat_rows(agent_api, postmortem):
    response = agent_api.get("/api/v1/postmortems/", {"incident": postmortem.incident.number})

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["number"] == postmortem.number
    assert row["incident"] == postmortem.incident.number
    assert row["status_display"] == "Draft"
    assert row["url"].endswith(f"/api/v1/postmortems/{postmortem.number}/")
    assert agent_api.get("/api/v1/postmortems/", {"status": 3}).json()["results"] == []
