"""An agent takes an incident from New to Closed in the admin, in a real browser, clicking
the move buttons the change form offers; a refused move shows its message."""

import re

import pytest
from playwright.sync_api import Page, expect

from incidents.models import Status
from tests.browser.conftest import admin_login


def move(page: Page, label: str, **fields: str) -> None:
    if not fields:  # a move that asks nothing is made by its button, in one click
        page.click(f"button.movebutton:text-is('{label}')")
        expect(page.locator("ul.messagelist li.success")).to_be_visible()
        return
    # Its own page, or the page of a one-click move that takes an optional note.
    page.click(f"a.movebutton:text-is('{label}'), a.movenote[aria-label='{label} with a note']")
    for name, value in fields.items():
        locator = page.locator(f"[name={name}]")
        if locator.evaluate("el => el.tagName") == "SELECT":
            locator.select_option(value)
        else:
            locator.fill(value)
    page.click(f"input[type=submit][value='{label}']")
    expect(page.locator("ul.messagelist li.success")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_agent_walks_an_incident_to_closed(page, live_server, screenshot, incident, agent):
    admin_login(page, live_server.url, "alice", "pw-alice")
    page.goto(f"{live_server.url}/admin/incidents/incident/")
    screenshot("changelist")
    page.click(f"text={incident.number}")
    # acknowledge, hold, resolve and the two escalations
    expect(page.locator(".ticket-moves .movebutton")).to_have_count(5)
    screenshot("new")

    move(page, "Acknowledge")
    move(page, "Put on hold", hold_reason="awaiting_caller", note="Which PC is it?")
    screenshot("on-hold")
    move(page, "Resume", note="The caller answered: PC-42")

    page.fill("#timeline [name=body]", "Profile looks corrupt")
    page.click("#timeline input[type=submit]")
    expect(page.locator("#timeline li.work_note")).to_contain_text("Profile looks corrupt")

    # Resolving without notes is refused on the page, and nothing changes.
    page.click("a.movebutton:text-is('Resolve')")
    page.click("input[type=submit][value='Resolve']")
    expect(page.locator(".errornote")).to_be_visible()
    screenshot("resolve-refused")
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS
    page.click("a.closelink")

    move(page, "Resolve", resolution_code="solution_provided", resolution_notes="New profile")
    move(page, "Reopen", reason="Caller phoned: still broken")
    move(page, "Resolve", resolution_code="solution_provided", resolution_notes="New mailbox")
    move(page, "Confirm fix", note="Caller confirmed by phone")
    screenshot("closed")
    expect(page.locator(".ticket-moves .movebutton")).to_have_count(0)

    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert incident.reopen_count == 1
    history = incident.history.order_by("history_id")
    assert [h.status for h in history] == [1, 2, 3, 2, 6, 2, 6, 7]
    assert all(h.history_user == agent for h in history)
    assert history.last().history_change_reason == "Caller confirmed by phone"
    events = incident.timeline.filter(kind="event").values_list("verb", flat=True)
    assert list(events) == [
        "created", "acknowledge", "hold", "resume", "resolve", "reopen", "resolve", "confirm",
    ]  # fmt: skip
    page.click("text=History")
    expect(page.locator("#change-history")).to_contain_text(re.compile("alice|Alice"))
    screenshot("history")
