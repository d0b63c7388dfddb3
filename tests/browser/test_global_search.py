"""The search box in the admin's header, in a real browser: an agent finds an incident by
a word that appears only in its work note, opens it from the grouped results, and jumps
straight to a record by typing its number; the page passes axe-core. The caller does not
find the same word through the API (tests/search/test_search_api.py holds that too)."""

import pytest
from playwright.sync_api import expect

from incidents.workflow import incident_add_note
from tests.browser.conftest import admin_login, assert_accessible, assert_fits
from tests.conftest import api_for


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_agent_finds_a_word_only_in_a_work_note(
    page, live_server, screenshot, make_incident, agent, caller
):  # fmt: skip
    incident = make_incident(caller=caller, title="Laptop will not boot")
    make_incident(caller=caller, title="Mouse missing")
    incident_add_note(incident, by=agent, body="BIOS shows the quokka error.", internal=True)

    admin_login(page, live_server.url, "alice", "pw-alice")
    box = page.get_by_role("searchbox", name="Search")
    box.fill("quokka")
    box.press("Enter")

    results = page.locator("section.search-group")
    expect(results).to_have_count(1)
    expect(results.locator("h2")).to_have_text("Incidents")
    expect(results.locator("tr.search-hit")).to_have_count(1)
    expect(results.locator("tr.search-hit")).to_contain_text("work note")
    assert_fits(page)
    assert_accessible(page)
    screenshot("search-results")

    results.get_by_role("link", name=incident.number).click()
    expect(page).to_have_url(f"{live_server.url}/admin/incidents/incident/{incident.pk}/change/")

    # A number typed into the box opens the record itself.
    box = page.get_by_role("searchbox", name="Search")
    box.fill(incident.number.lower())
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/admin/incidents/incident/{incident.pk}/change/")

    # Not for the caller, through the API: work notes are not theirs to search.
    answer = api_for(caller).get("/api/v1/search/", {"q": "quokka"}).json()
    assert [hit for group in answer["groups"] for hit in group["results"]] == []
