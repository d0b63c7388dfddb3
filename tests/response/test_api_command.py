"""The response API's command side: roles, children, milestones, scribe entries, stars
and the merged timeline (JSON and Markdown)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Incident

pytestmark = pytest.mark.django_db


def url(incident, tail):
    return f"/api/v1/incidents/{incident.number}/response/{tail}/"


def test_roles_are_assigned_listed_and_removed(major, manager_api, other_agent):
    answer = manager_api.post(
        url(major, "roles"), {"role": "scribe", "user": other_agent.pk}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert {(row["role"], row["user"]["username"]) for row in answer.data} >= {
        ("commander", "maria"), ("communications", "alice"), ("scribe", "bob"),
    }  # fmt: skip
    assert major.timeline.filter(verb="role_assigned", data__role="scribe").count() == 1

    gone = manager_api.delete(url(major, f"roles/scribe/{other_agent.pk}"))
    assert gone.status_code == 204
    roles = manager_api.get(url(major, "roles")).data
    assert ("scribe", "bob") not in {(row["role"], row["user"]["username"]) for row in roles}
    assert (
        manager_api.post(
            url(major, "roles"), {"role": "boss", "user": 1}, format="json"
        ).status_code
        == 400
    )
    assert (
        manager_api.post(
            url(major, "roles"), {"role": "scribe", "user": 999999}, format="json"
        ).status_code
        == 400
    )
    assert manager_api.delete(url(major, "roles/boss/1")).status_code == 404  # no such holding


def test_children_are_linked_listed_and_unlinked(major, make_incident, agent_api):
    child = make_incident(title="Outlook cannot connect")
    answer = agent_api.post(url(major, "children"), {"child": child.number}, format="json")
    assert answer.status_code == 201, answer.content
    assert [row["number"] for row in agent_api.get(url(major, "children")).data] == [child.number]
    assert Incident.objects.get(pk=child.pk).major_incident_id == major.pk
    assert (
        agent_api.post(url(major, "children"), {"child": "INC9999999"}, format="json").status_code
        == 400
    )

    assert agent_api.delete(url(major, f"children/{child.number}")).status_code == 204
    assert agent_api.get(url(major, "children")).data == []
    assert agent_api.delete(url(major, f"children/{child.number}")).status_code == 404


def test_milestones_are_set_with_a_reason_in_order(major, agent_api):
    earlier = major.detected_at - timedelta(minutes=7)
    answer = agent_api.post(
        url(major, "milestones"),
        {"milestone": "impact_started", "at": earlier.isoformat(), "reason": "Graphs show it"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    values = {row["milestone"]: row["at"] for row in answer.data}
    assert values["impact_started"] is not None
    late = timezone.now()  # detected after it was reported: out of order
    out_of_order = agent_api.post(
        url(major, "milestones"),
        {"milestone": "detected", "at": late.isoformat(), "reason": "Oops"},
        format="json",
    )
    assert out_of_order.status_code == 400 and "at" in out_of_order.data["errors"]
    no_reason = agent_api.post(
        url(major, "milestones"),
        {"milestone": "impact_started", "at": earlier.isoformat()},
        format="json",
    )
    assert no_reason.status_code == 400


def test_scribe_stars_and_the_timeline(major, agent_api):
    at = timezone.now() - timedelta(minutes=30)
    written = agent_api.post(
        url(major, "scribe"),
        {"at": at.isoformat(), "body": "Rolled back deploy 4711"},
        format="json",
    )
    assert written.status_code == 201, written.content
    key = written.data["key"]
    assert written.data["kind"] == "scribe" and written.data["title"] == "Scribe entry"

    starred = agent_api.post(url(major, "stars"), {"key": key}, format="json")
    assert starred.status_code == 200 and [row["key"] for row in starred.data] == [key]
    assert agent_api.post(url(major, "stars"), {"key": "alert:0"}, format="json").status_code == 400

    assert [row["key"] for row in agent_api.get(url(major, "stars")).data] == [key]
    assert [row["key"] for row in agent_api.get(url(major, "scribe")).data] == [key]
    timeline = agent_api.get(url(major, "timeline"))
    assert timeline.status_code == 200
    assert [row["starred"] for row in timeline.data if row["key"] == key] == [True]
    times = [row["at"] for row in timeline.data]
    assert times == sorted(times)

    markdown = agent_api.get(f"/api/v1/incidents/{major.number}/response/timeline.md")
    assert markdown.status_code == 200
    assert markdown["Content-Type"].startswith("text/markdown")
    text = markdown.content.decode()
    assert text.startswith(f"# {major.number}: ") and "★ **Scribe entry**" in text
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert (
        agent_api.post(url(major, "scribe"), {"at": future, "body": "x"}, format="json").status_code
        == 400
    )
    assert agent_api.get("/api/v1/incidents/INC9999999/response/timeline.md").status_code == 404
