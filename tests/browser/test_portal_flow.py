"""An end user's whole journey in a real browser: sign in, report with a file, follow the
agent's comment, reply, confirm the fix. Also without JavaScript, at phone width, with
axe-core on every page, and with hostile input that must never run."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from incidents.models import Incident, Status
from incidents.workflow import incident_add_note, incident_move
from tests.browser.conftest import assert_accessible, assert_fits, portal_login
from tests.portal.samples import png

XSS = '<img src=x onerror=alert(1)><script>alert(2)</script>"><svg onload=alert(3)>'


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    cache.clear()  # rate-limit counters
    settings.MEDIA_ROOT = str(tmp_path / "media")


def check(page: Page, phone: Page, url: str, screenshot, name: str) -> None:
    """axe-core on the desktop page, no sideways scroll at phone width, screenshots."""
    assert_accessible(page)
    screenshot(name)
    phone.goto(url)
    assert_fits(phone)
    screenshot(f"{name}-phone", on=phone)


def report(page: Page, base: str, service, title: str, *, file=None) -> None:
    page.goto(f"{base}/report/?q={service.name[:3]}")
    page.click(f"text={service.name}")
    page.fill("#id_title", title)
    page.fill("#id_description", "Outlook says the server is unreachable.")
    page.check("#id_who_0")
    page.check("#id_can_work_1")
    if file:
        page.set_input_files("#id_files", files=[file])
    page.click("main button[name=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_end_user_reports_follows_and_confirms(
    page, phone_page, live_server, screenshot, caller, agent, service
):
    base = live_server.url
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{base}/accounts/login/")
    assert_accessible(page)
    screenshot("login")
    phone_page.goto(f"{base}/accounts/login/")
    assert_fits(phone_page)
    portal_login(page, base, "carl", "pw-carl")
    portal_login(phone_page, base, "carl", "pw-carl")
    check(page, phone_page, f"{base}/", screenshot, "home")

    page.goto(f"{base}/report/")
    check(page, phone_page, f"{base}/report/", screenshot, "report-pick")
    page.goto(f"{base}/report/{service.pk}/")
    page.click("main button[type=submit][name=submit]")  # empty: errors
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    screenshot("report-errors")
    shot = {"name": "screen.png", "mimeType": "image/png", "buffer": png()}
    report(page, base, service, "Mail is down " + XSS, file=shot)
    incident = Incident.objects.get()
    expect(page.locator("h1")).to_contain_text(incident.number)
    expect(page.locator("h1")).to_contain_text("<script>alert(2)</script>")
    expect(page.get_by_role("link", name="screen.png")).to_be_visible()
    check(page, phone_page, page.url, screenshot, "incident-new")

    page.click("nav >> text=My incidents")
    expect(page.locator("table")).to_contain_text(incident.number)
    check(page, phone_page, page.url, screenshot, "my-incidents")

    incident_add_note(incident, by=agent, body="Which client version do you use?", internal=False)
    incident_add_note(incident, by=agent, body="internal: VIP", internal=True)
    page.click(f"text={incident.number}")
    expect(page.locator(".timeline")).to_contain_text("Which client version do you use?")
    expect(page.locator(".timeline")).not_to_contain_text("VIP")
    page.fill("#id_body", "Outlook 2021")
    page.click("main form[action$='/reply/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your reply was sent.")
    expect(page.locator(".timeline")).to_contain_text("Outlook 2021")

    incident_move(incident, "acknowledge", by=agent)
    incident_move(
        incident,
        "resolve",
        by=agent,
        resolution_code="solution_provided",
        resolution_notes="Repaired the mail profile.",
    )
    page.reload()
    expect(page.locator(".resolution")).to_contain_text("Repaired the mail profile.")
    check(page, phone_page, page.url, screenshot, "incident-resolved")
    page.click("main button:text-is('Confirm fix')")
    expect(page.locator(".messages")).to_contain_text("is closed")
    expect(page.locator(".state")).to_have_text("Closed")
    screenshot("incident-closed")
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    page.goto(f"{base}/incidents/?show=closed")
    expect(page.locator("table")).to_contain_text("Closed")
    assert dialogs == [], f"hostile input ran: {dialogs}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_report_works_without_javascript(nojs_page, live_server, screenshot, caller, service):
    base = live_server.url
    portal_login(nojs_page, base, "carl", "pw-carl")
    nojs_page.goto(f"{base}/report/")
    nojs_page.fill("#id_q", "mai")
    nojs_page.click("main button[type=submit]")
    nojs_page.click(f"text={service.name}")
    nojs_page.fill("#id_title", "Cannot send email")
    nojs_page.click("main button[name=check]")
    expect(nojs_page.locator("#id_title")).to_have_value("Cannot send email")
    report(nojs_page, base, service, "Cannot send email (no JS)")
    screenshot("nojs-reported", on=nojs_page)
    incident = Incident.objects.get()
    assert re.search(incident.number, nojs_page.content())
    assert incident.impact == 3 and incident.urgency == 1
