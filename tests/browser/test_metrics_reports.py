"""The reports page in a real browser: an agent opens it, narrows it with the filter form
(no JavaScript needed), sees the four charts drawn with their tables, and downloads a
table as CSV; no JavaScript error, no serious axe-core violation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import admin_login, assert_accessible
from tests.metrics.data import build_desk


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agent_reads_the_reports(
    page, live_server, screenshot, agent, manager, team, service, category
):
    desk = build_desk(agent, manager, team, service, category, n=24)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    admin_login(page, live_server.url, "alice", "pw-alice")
    page.click("a:text-is('Incident reports')")  # listed on the admin index
    expect(page.locator("h1")).to_have_text("Incident reports")
    expect(page.locator("figure.report-chart svg")).to_have_count(3)
    assert_accessible(page)
    screenshot("default-period")

    start = (timezone.now() - timedelta(days=150)).date().isoformat()
    page.fill("#id_from", start)
    page.select_option("#id_service", [str(desk.services[0].pk), str(desk.services[1].pk)])
    page.click("input[type=submit][value='Show']")
    expect(page.locator("#report-services svg rect.bar")).not_to_have_count(0)
    assert f"from={start}" in page.url
    trend = page.locator("#report-trend svg")
    expect(trend.locator("polyline").first).to_be_attached()
    expect(trend.locator("title").first).to_have_text("MTTA and MTTR (resolve) by week")
    expect(page.locator("#report-backlog table tbody tr")).to_have_count(5)
    assert_accessible(page)
    screenshot("two-services")

    with page.expect_download() as download:
        page.click("#report-backlog a.csv-link")
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0] == "bucket,label,incidents" and len(lines) == 6
    assert errors == []
