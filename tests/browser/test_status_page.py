"""The public status page in a real browser: a service degraded while its public incident
is open and operational once the incident is resolved in the console; the incident's
updates; subscribing; accessible (axe-core), phone-width and JavaScript-free."""

import pytest
from playwright.sync_api import Locator, Page, expect

from incidents.workflow import incident_resolve
from statuspage.links import confirm_url, unsubscribe_url
from statuspage.models import Subscriber
from statuspage.workflow import status_update_post
from tests.browser.conftest import assert_accessible, assert_fits


def service_row(page: Page, name: str) -> Locator:
    heading = page.get_by_role("heading", name=name, exact=True)
    return page.locator("ul.services > li").filter(has=heading)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_status_page_follows_the_incident(
    page, phone_page, nojs_page, live_server, screenshot, incident, agent, settings
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    base = live_server.url
    status_update_post(
        incident,
        by=agent,
        title="Email delivery delays",
        phase="investigating",
        impact="degraded_performance",
        body="Some messages take up to an hour to arrive.",
    )
    status_update_post(incident, by=agent, phase="identified", body="A mail relay is overloaded.")

    page.goto(f"{base}/status/")
    expect(page.locator(".banner")).to_contain_text("Degraded performance")
    expect(service_row(page, "Email")).to_contain_text("Degraded performance")
    expect(page.locator("ol.uptime li")).to_have_count(90)
    screenshot("index-degraded")
    assert_accessible(page)

    page.click("text=Email delivery delays")
    expect(page.locator("h1")).to_have_text("Email delivery delays")
    updates = page.locator("ol.updates > li")
    expect(updates).to_have_count(2)
    expect(updates.nth(0)).to_contain_text("A mail relay is overloaded.")
    expect(updates.nth(1)).to_contain_text("Some messages take up to an hour to arrive.")
    screenshot("incident")
    assert_accessible(page)

    page.goto(f"{base}/status/services/{incident.service_id}/")
    expect(page.locator("h1")).to_have_text("Email")
    screenshot("service")
    assert_accessible(page)

    # Subscribing from the index: the same answer whatever the address, and a row waiting.
    page.goto(f"{base}/status/")
    page.fill("input[name=email]", "pat@example.org")
    page.click("button:text-is('Subscribe')")
    expect(page.locator(".messages")).to_contain_text("a message with a link to confirm")
    assert Subscriber.objects.filter(email="pat@example.org", confirmed_at=None).exists()
    screenshot("subscribed")
    assert_accessible(page)

    subscriber = Subscriber.objects.get(email="pat@example.org")
    page.goto(confirm_url(subscriber, []).replace(settings.SITE_URL.rstrip("/"), base))
    screenshot("confirm")
    assert_accessible(page)
    page.click("button:text-is('Confirm')")
    expect(page.locator(".messages")).to_contain_text("You are subscribed")
    page.goto(unsubscribe_url(subscriber).replace(settings.SITE_URL.rstrip("/"), base))
    screenshot("unsubscribe")
    assert_accessible(page)
    page.goto(f"{base}/status/subscribe/")
    screenshot("subscribe-page")
    assert_accessible(page)

    incident_resolve(
        incident, by=agent, resolution_code="solution_provided", resolution_notes="Relay replaced"
    )
    page.goto(f"{base}/status/")
    expect(page.locator(".banner")).to_contain_text("All systems operational")
    expect(service_row(page, "Email")).to_contain_text("Operational")
    screenshot("index-operational")
    page.goto(f"{base}/status/incidents/{incident.number}/")
    expect(page.locator("main")).to_contain_text("This incident has been resolved")
    screenshot("incident-resolved")

    for path in (
        "/status/",
        f"/status/incidents/{incident.number}/",
        "/status/subscribe/",
        f"/status/services/{incident.service_id}/",
    ):
        phone_page.goto(base + path)
        assert_fits(phone_page)
        screenshot("phone" + path.replace("/", "-").rstrip("-"), on=phone_page)

    # Without JavaScript: the page reads, and the form still subscribes.
    nojs_page.goto(f"{base}/status/")
    expect(nojs_page.locator(".banner")).to_contain_text("All systems operational")
    nojs_page.fill("input[name=email]", "nojs@example.org")
    nojs_page.click("button:text-is('Subscribe')")
    expect(nojs_page.locator(".messages")).to_contain_text("link to confirm")
    assert Subscriber.objects.filter(email="nojs@example.org").exists()
    screenshot("nojs", on=nojs_page)
