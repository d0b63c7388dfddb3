"""One incident walked through its whole life by POSTing the admin's move forms."""

import pytest

from incidents.models import Status
from tests.admin.conftest import change_url, messages_of, move_url

pytestmark = pytest.mark.django_db

STEPS = [
    # (move, form data, new status, the change reason history records)
    ("acknowledge", {}, Status.IN_PROGRESS, "Acknowledge"),
    (
        "hold",
        {"hold_reason": "awaiting_caller", "note": "Which PC?"},
        Status.ON_HOLD,
        "Awaiting Caller: Which PC?",
    ),
    ("resume", {"note": "It is PC-42"}, Status.IN_PROGRESS, "It is PC-42"),
    (
        "resolve",
        {"resolution_code": "solution_provided", "resolution_notes": "Reset the profile"},
        Status.RESOLVED,
        "Reset the profile",
    ),
    ("reopen", {"reason": "Still broken"}, Status.IN_PROGRESS, "Still broken"),
    (
        "resolve",
        {"resolution_code": "workaround_provided", "resolution_notes": "New mailbox"},
        Status.RESOLVED,
        "New mailbox",
    ),
    ("confirm", {"note": "Works now"}, Status.CLOSED, "Works now"),
]


def test_walk_new_to_closed_through_the_move_forms(agent_client, agent, incident):
    acknowledged_at = None
    for step, (name, data, status, reason) in enumerate(STEPS, start=1):
        page = agent_client.get(move_url(incident, name))
        assert page.status_code == 200, name
        assert set(page.context["form"].fields) == set(data), "the form asks only the inputs"

        response = agent_client.post(move_url(incident, name), data)

        assert response.status_code == 302 and response["Location"] == change_url(incident)
        assert any(f"{incident.number}: " in m and "done" in m for m in messages_of(response))
        incident.refresh_from_db()
        assert incident.status == status, name
        latest = incident.history.order_by("-history_id").first()
        assert latest.history_user == agent
        assert latest.history_change_reason == reason
        assert incident.history.count() == 1 + step
        event = incident.timeline.filter(kind="event").order_by("-id").first()
        assert event.verb == name and event.author == agent
        if acknowledged_at is None:
            acknowledged_at = incident.acknowledged_at
        assert incident.acknowledged_at == acknowledged_at  # stamped once, never moved

    assert incident.reopen_count == 1 and incident.close_code == "confirmed"
    assert incident.closed_at >= incident.resolved_at > incident.mitigated_at
    verbs = list(incident.timeline.filter(kind="event").values_list("verb", flat=True))
    assert verbs == ["created", *[name for name, *_ in STEPS]]


def test_change_form_offers_the_allowed_moves_and_shows_the_timeline(agent_client, incident):
    page = agent_client.get(change_url(incident))

    html = page.content.decode()
    offered = [button.move.name for button in page.context["move_buttons"]]
    # cancel is for managers
    assert offered == ["acknowledge", "hold", "resolve", "escalate_group", "escalate_manager"]
    assert move_url(incident, "acknowledge") in html
    assert 'id="timeline"' in html and "Logged" in html


def test_work_notes_and_comments_go_on_the_timeline(agent_client, agent, incident):
    note_url = change_url(incident).replace("/change/", "/note/")

    response = agent_client.post(note_url, {"body": "Checked the logs", "internal": "1"})
    agent_client.post(note_url, {"body": "We are on it", "internal": "0"})

    assert response.status_code == 302
    assert f"{incident.number}: Work note added." in messages_of(response)
    kinds = list(incident.timeline.filter(verb="note").values_list("kind", "body", "author"))
    assert kinds == [
        ("work_note", "Checked the logs", agent.pk),
        ("comment", "We are on it", agent.pk),
    ]
    html = agent_client.get(change_url(incident)).content.decode()
    assert '<li class="work_note">' in html and '<li class="comment">' in html


def test_a_blank_note_is_refused(agent_client, incident):
    before = incident.timeline.count()

    response = agent_client.post(
        change_url(incident).replace("/change/", "/note/"), {"body": " ", "internal": "1"}
    )

    assert "Write something before adding a note." in messages_of(response)
    assert incident.timeline.count() == before


def test_the_move_page_only_answers_post_with_a_csrf_token(agent, incident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    response = client.post(move_url(incident, "acknowledge"), {})

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def test_history_shows_who_changed_what_and_why(agent_client, agent, incident):
    from django.urls import reverse

    agent_client.post(move_url(incident, "hold"), {"hold_reason": "awaiting_vendor"})

    response = agent_client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))

    (newest, *_rest) = response.context["page_obj"].object_list
    assert (newest.history_user, newest.history_change_reason) == (agent, "Awaiting Vendor")
    changes = {c["field"]: (c["old"], c["new"]) for c in newest.history_delta_changes}
    assert changes["Status"] == ("New", "On Hold")
    assert changes["Hold reason"] == ("", "Awaiting Vendor")
    assert "Revert" not in response.content.decode()
