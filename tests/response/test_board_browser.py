"""The major-incident board and the incident's response panels in a real browser: an
overdue update shows in red, the communications lead posts an update from the panel and
stars an item on the timeline page; axe-core finds no serious violation, and no page
breaks the Content-Security-Policy (the fixtures watch for it)."""

import shutil
from collections.abc import Iterator
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, expect, sync_playwright

from response.models import Cadence, StakeholderUpdate, TimelineStar
from tests.browser.conftest import (  # noqa: F401 (fixtures)
    SERIOUS,
    admin_login,
    assert_accessible,
    page,
    screenshot,
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for this module only, closed when it ends (as tests/browser/conftest.py's
    own, which is for that package): Playwright's event loop must not outlive the module,
    or later tests calling async views through the test client fail."""
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed for browser tests (.ci/run installs it)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_board_and_the_panels(page, live_server, screenshot, major):  # noqa: F811
    cadence = Cadence.objects.get(incident=major)
    cadence.next_update_due = timezone.now() - timedelta(minutes=3)
    cadence.save()
    admin_login(page, live_server.url, "alice", "pw-alice")

    page.goto(f"{live_server.url}/admin/response/majorincident/")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".update-overdue")).to_contain_text("overdue")
    color = row.locator(".update-overdue").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(186, 33, 33)"
    screenshot("board")
    assert_accessible(page)

    row.get_by_role("link", name=major.number).click()
    expect(page.get_by_role("heading", name="Stakeholder updates")).to_be_visible()
    page.fill("#id_update-body", "Mail flows again for most users.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".messagelist")).to_contain_text("update posted")
    assert StakeholderUpdate.objects.get().body == "Mail flows again for most users."
    screenshot("panels")
    # Only the panels: the incident form's own select2 widgets are not this app's.
    results = Axe().run(page, context={"include": [[".ticket-panel"]]})
    serious = [v["id"] for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not serious

    page.get_by_role("link", name="Merged timeline (star key events)").click()
    page.get_by_role("button", name="Star Internal update to stakeholders").click()
    expect(page.locator(".timeline-item.starred")).to_have_count(1)
    assert TimelineStar.objects.count() == 1
    screenshot("timeline")
    assert_accessible(page)
