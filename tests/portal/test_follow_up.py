"""Following an incident: the public timeline (never work notes), replying (which resumes
an incident awaiting the caller), confirming the fix and saying it is still broken."""

import pytest

from incidents.models import HoldReason, Status
from incidents.workflow import incident_add_note, incident_move
from tests.factories import MOVE_INPUTS
from tests.portal.samples import png, upload

pytestmark = pytest.mark.django_db


def test_timeline_shows_comments_and_states_never_work_notes(portal, incident, agent):
    incident_add_note(incident, by=agent, body="Caller is a VIP, be quick", internal=True)
    incident_add_note(incident, by=agent, body="We are looking at the mail server", internal=False)
    incident_move(incident, "acknowledge", by=agent)
    incident_move(
        incident, "hold", by=agent, hold_reason="awaiting_vendor", note="Vendor case 4711"
    )
    page = portal.get(f"/incidents/{incident.number}/").content.decode()
    assert "We are looking at the mail server" in page and "Alice wrote" in page
    assert "An agent picked this up" in page
    assert "On hold: waiting for a supplier" in page
    assert "VIP" not in page and "Vendor case 4711" not in page


def test_reply_resumes_an_incident_awaiting_the_caller(portal, caller, incident_in, agent):
    incident = incident_in(Status.ON_HOLD)
    incident_move(incident, "resume", by=agent)
    incident = incident_move(
        incident, "hold", by=agent, hold_reason=HoldReason.AWAITING_CALLER, note="Which PC is it?"
    )
    page = portal.get(f"/incidents/{incident.number}/").content.decode()
    assert "Waiting for your reply" in page and "Which PC is it?" in page

    response = portal.post(
        f"/incidents/{incident.number}/reply/",
        {"body": "PC-42 in room 3", "files": [upload("pc.png", png())]},
        follow=True,
    )
    page = response.content.decode()
    assert "Your reply was sent." in page
    assert "back with the agent and being worked on again" in page
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS and incident.hold_reason == ""
    comment = incident.timeline.get(kind="comment")
    assert comment.body == "PC-42 in room 3" and comment.author == caller
    assert incident.timeline.filter(verb="resume").exists()
    assert incident.attachments.get().name == "pc.png"
    assert "Work resumed" in page and "PC-42 in room 3" in page


def test_empty_reply_is_refused_next_to_the_box(portal, incident):
    response = portal.post(f"/incidents/{incident.number}/reply/", {"body": "   "})
    assert response.status_code == 400
    assert "Write something, or add a file." in response.content.decode()
    assert not incident.timeline.filter(kind="comment").exists()


def test_confirm_fix_closes(portal, caller, incident_in):
    incident = incident_in(Status.RESOLVED)
    page = portal.get(f"/incidents/{incident.number}/").content.decode()
    assert "Confirm fix" in page and "Still broken" in page and "Restarted" in page
    response = portal.post(
        f"/incidents/{incident.number}/confirm/", {"seen": Status.RESOLVED}, follow=True
    )
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED and incident.close_code == "confirmed"
    event = incident.timeline.get(verb="confirm")
    assert event.author == caller
    page = response.content.decode()
    assert "is closed" in page and "Fix confirmed: closed" in page and "Confirm fix" not in page


def test_still_broken_reopens_with_the_reason(portal, caller, incident_in):
    incident = incident_in(Status.RESOLVED)
    empty = portal.post(f"/incidents/{incident.number}/reopen/", {"seen": Status.RESOLVED})
    assert empty.status_code == 400 and "Tell us what is still wrong." in empty.content.decode()
    response = portal.post(
        f"/incidents/{incident.number}/reopen/",
        {"seen": Status.RESOLVED, "reason": "Still no mail since 10:00"},
        follow=True,
    )
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS and incident.reopen_count == 1
    assert incident.timeline.get(verb="reopen").body == "Still no mail since 10:00"
    assert "Still no mail since 10:00" in response.content.decode()


def test_stale_form_is_told_and_changes_nothing(portal, incident_in, agent):
    incident = incident_in(Status.RESOLVED)
    incident_move(incident, "reopen", by=agent, **MOVE_INPUTS["reopen"])  # meanwhile
    response = portal.post(
        f"/incidents/{incident.number}/confirm/", {"seen": Status.RESOLVED}, follow=True
    )
    assert "changed while you were looking at it" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS


def test_workflow_refusal_is_a_message_not_a_500(portal, incident):
    response = portal.post(f"/incidents/{incident.number}/confirm/", {}, follow=True)
    assert response.status_code == 200
    assert 'ul class="messages"' in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def test_closed_incident_takes_no_reply(portal, incident_in):
    incident = incident_in(Status.CLOSED)
    response = portal.post(f"/incidents/{incident.number}/reply/", {"body": "hi"}, follow=True)
    assert "is closed: report a new incident" in response.content.decode()
    assert not incident.timeline.filter(kind="comment").exists()
