"""The public pages follow the reader's colour scheme: with the system set to dark, the
portal and the status page are drawn light on dark and still pass axe-core (contrast
included); every page, the admin's too, shows the product's icon from our static files."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from statuspage.workflow import status_update_post
from tests.browser.conftest import _watched_page, admin_login, assert_accessible, portal_login


@pytest.fixture
def dark_page(browser: Browser) -> Iterator[Page]:
    yield from _watched_page(browser, viewport={"width": 1280, "height": 900}, color_scheme="dark")


def _luminance(page: Page, selector: str, prop: str) -> float:
    """Relative luminance (0 black .. 1 white) of an element's computed colour."""
    return page.locator(selector).first.evaluate(
        """(el, prop) => {
          const [r, g, b] = getComputedStyle(el)[prop].match(/\\d+(\\.\\d+)?/g).slice(0, 3)
            .map(Number).map(c => c / 255)
            .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        }""",
        prop,
    )


def _shows_the_icon(page: Page, base: str) -> None:
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_count(1)
    href = icon.get_attribute("href")
    assert href and href.startswith("/static/")
    answer = page.request.get(base + href)
    assert answer.ok and answer.headers["content-type"].startswith("image/svg+xml")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_follow_a_dark_system_and_show_the_icon(
    dark_page, page, live_server, screenshot, incident, agent, caller
):
    base = live_server.url
    status_update_post(
        incident,
        by=agent,
        title="Email delivery delays",
        phase="investigating",
        impact="partial_outage",
        body="Some messages take up to an hour to arrive.",
    )

    for path in ("/status/", f"/status/incidents/{incident.number}/", "/accounts/login/"):
        dark_page.goto(base + path)
        expect(dark_page.locator("body")).not_to_contain_text("{#")  # no comment leaks
        assert _luminance(dark_page, "body", "backgroundColor") < 0.05
        assert _luminance(dark_page, "body", "color") > 0.6
        _shows_the_icon(dark_page, base)
        assert_accessible(dark_page)
        screenshot("dark" + path.replace("/", "-").rstrip("-"), on=dark_page)

    portal_login(dark_page, base, caller.username, f"pw-{caller.username}")
    dark_page.goto(f"{base}/incidents/{incident.number}/")
    expect(dark_page.locator("h1")).to_contain_text(incident.title)
    assert _luminance(dark_page, ".card, .timeline li", "backgroundColor") < 0.05
    assert_accessible(dark_page)
    screenshot("dark-portal-incident", on=dark_page)

    # The light scheme is unchanged: dark text on a light page.
    page.goto(f"{base}/status/")
    assert _luminance(page, "body", "backgroundColor") > 0.8
    _shows_the_icon(page, base)

    admin_login(page, base, agent.username, f"pw-{agent.username}")
    _shows_the_icon(page, base)
