"""The agents' console in a real browser at 1366 px: from the home, an agent takes an
incident from New through In Progress to Resolved in at most six clicks, with no page that
asks nothing; the home and the record page fit the width and pass axe-core."""

import pytest
from playwright.sync_api import Page, expect

from incidents.models import Status
from tests.browser.conftest import _watched_page, admin_login, assert_accessible, assert_fits


@pytest.fixture
def wide_page(browser):
    """A common laptop: 1366 x 768."""
    yield from _watched_page(browser, viewport={"width": 1366, "height": 768})


class Clicks:
    """Counts the agent's clicks, and every page the browser lands on."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0
        self.landed: list[str] = []
        page.on("framenavigated", lambda frame: self.landed.append(frame.url))

    def click(self, selector: str) -> None:
        self.count += 1
        self.page.click(selector)
        self.page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_from_the_home_to_resolved_in_six_clicks(
    wide_page, live_server, screenshot, make_incident, agent, settings
):
    settings.HOME_REFRESH_SECONDS = 0
    page = wide_page
    incident = make_incident(assigned_to=agent, title="Printer prints blank pages")
    admin_login(page, live_server.url, "alice", "pw-alice")
    page.goto(f"{live_server.url}/admin/")
    tile = page.locator("a.home-queue", has_text="My open incidents")
    expect(tile.locator(".count")).to_have_text("1")
    expect(page.locator("svg.chart")).to_have_count(3)
    assert_fits(page)
    assert_accessible(page)
    screenshot("home", on=page)

    clicks = Clicks(page)
    clicks.click("a.home-queue:has-text('My open incidents')")
    assert_fits(page)  # the list's columns fit 1366 px
    clicks.click(f"text={incident.number}")
    expect(page.locator("h1")).to_have_text(f"{incident.number} Printer prints blank pages")
    # The timeline is beside the form, in view without scrolling.
    expect(page.locator("#timeline")).to_be_in_viewport()
    expect(page.locator("#timeline li.event").first).to_contain_text("Logged")
    assert_fits(page)
    assert_accessible(page)
    screenshot("record-new", on=page)

    change_url = page.url.split("?")[0]  # without the list's filters it came from
    clicks.click("button.movebutton:text-is('Acknowledge')")
    # One POST and back on the record: no page in between that asks nothing.
    assert page.url.split("?")[0] == change_url
    expect(page.locator("ul.messagelist li.success")).to_contain_text("now In Progress")
    expect(page.locator(".ticket-facts")).to_contain_text("In Progress")
    expect(page.locator("#timeline li.event").first).to_contain_text("Acknowledged")

    clicks.click("a.movebutton:text-is('Resolve')")
    # The move's own page asks for exactly what resolving needs.
    names = page.locator("#content-main form [name]").evaluate_all("els => els.map(e => e.name)")
    assert set(names) == {"csrfmiddlewaretoken", "resolution_code", "resolution_notes"}
    page.select_option("[name=resolution_code]", "solution_provided")
    page.fill("[name=resolution_notes]", "Replaced the toner")
    clicks.click("input[type=submit][value='Resolve']")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("now Resolved")
    assert page.url.split("?")[0] == change_url
    assert_accessible(page)
    screenshot("record-resolved", on=page)

    assert clicks.count <= 6, clicks.count
    assert not [url for url in clicks.landed if "/move/acknowledge/" in url]
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED

    # The bare incident list now shows the open ones: this one is gone, one click to all.
    page.goto(f"{live_server.url}/admin/incidents/incident/")
    expect(page.locator("#changelist-filter li.selected a[href='?open=yes']")).to_be_visible()
    expect(page.locator("#result_list")).to_have_count(0)  # nothing open
    page.click("#changelist-filter a[href='?open=all']")
    expect(page.locator("#result_list")).to_contain_text(incident.number)
    assert_fits(page)
    screenshot("all-incidents", on=page)
