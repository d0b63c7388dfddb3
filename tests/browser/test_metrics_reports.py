"""The reports page in a real browser: an agent opens it, narrows it with the filter form
(no JavaScript needed), sees the four charts drawn with their tables, and downloads a
table as CSV; no JavaScript error, no serious axe-core violation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sla.defaults import sla_defaults_create
from tests.browser.conftest import admin_login, assert_accessible
from tests.metrics.data import build_desk


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agent_reads_the_reports(
    page, live_server, screenshot, agent, manager, team, service, category
):
    sla_defaults_create()
    desk = build_desk(agent, manager, team, service, category, n=30)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser's own request for /favicon.ico (the admin has none) is not the page's.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    admin_login(page, live_server.url, "alice", "pw-alice")
    page.click("a:text-is('All reports')")  # under the MTTA/MTTR chart on the agents' home
    expect(page.locator("h1")).to_have_text("Incident reports")
    expect(page.locator("figure.report-chart svg")).to_have_count(4)
    assert_accessible(page)
    screenshot("default-period")

    start = (timezone.now() - timedelta(days=150)).date().isoformat()
    page.fill("#id_from", start)
    page.fill("#id_to", (timezone.now() + timedelta(days=1)).date().isoformat())
    page.select_option("#id_service", [str(desk.services[0].pk), str(desk.services[1].pk)])
    page.click("input[type=submit][value='Show']")
    expect(page.locator("#report-services svg rect.bar")).not_to_have_count(0)
    assert f"from={start}" in page.url
    trend = page.locator("#report-trend svg")
    expect(trend.locator("circle title").first).to_contain_text("MTTA mean, 20")
    expect(trend.locator("title").first).to_have_text("MTTA and MTTR (resolve) by week")
    expect(page.locator("#report-backlog table tbody tr")).to_have_count(5)
    expect(page.locator("#report-sla svg rect.bar title").first).to_contain_text("Response")
    assert_accessible(page)
    screenshot("two-services")

    with page.expect_download() as download:
        page.click("#report-backlog a.csv-link")
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "bucket,label,incidents" and len(lines) == 6
    assert errors == []
