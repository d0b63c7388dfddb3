"""A manager sets a team's on-call up in the console on one page, in a real browser: picks
the schedule's time zone, fills the empty rotation row and picks its members in turn
order, and types an override in the schedule's zone. What is stored is the instant meant
there, whatever zone the server runs in."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from oncall.models import Override, Rotation, Schedule
from tests.browser.conftest import admin_login


def pick(page: Page, select_id: str, text: str) -> None:
    """Choose ``text`` in the admin's autocomplete (select2) for ``select_id``."""
    page.locator(f"#{select_id} + .select2").click()
    page.keyboard.type(text)
    page.locator("li.select2-results__option", has_text=text).first.click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_sets_a_schedule_up_in_one_page(
    page, live_server, screenshot, settings, team, agent, other_agent, manager
):
    settings.MFA_REQUIRED_FOR = "none"  # this test is about on-call, not the second factor
    settings.TIME_ZONE = "UTC"
    admin_login(page, live_server.url, "maria", "pw-maria")
    page.goto(f"{live_server.url}/admin/oncall/schedule/add/")
    pick(page, "id_team", team.name)
    page.fill("#id_name", "Primary")
    page.select_option("#id_time_zone", "Europe/Paris")

    row = "rotations-0"
    page.select_option(f"#id_{row}-period", "weekly")
    page.fill(f"#id_{row}-handoff_time", "09:00")
    page.fill(f"#id_{row}-starts_on", "2026-03-16")
    pick(page, f"id_{row}-members", "Bob")
    pick(page, f"id_{row}-members", "Alice")

    pick(page, "id_overrides-0-user", "Alice")
    page.fill("#id_overrides-0-starts_at_0", "2026-07-01")
    page.fill("#id_overrides-0-starts_at_1", "18:00")
    page.fill("#id_overrides-0-ends_at_0", "2026-07-02")
    page.fill("#id_overrides-0-ends_at_1", "08:00")
    screenshot("oncall-schedule-filled")
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    screenshot("oncall-schedule-saved")

    schedule = Schedule.objects.get()
    assert schedule.time_zone == "Europe/Paris" and schedule.team == team
    rotation = Rotation.objects.get(schedule=schedule)
    assert [m.user_id for m in rotation.members.all()] == [other_agent.pk, agent.pk]
    override = Override.objects.get(schedule=schedule)
    # 18:00 in Paris in July is 16:00 UTC; the server runs in UTC.
    assert override.starts_at == datetime(2026, 7, 1, 16, tzinfo=UTC)
    assert override.ends_at == datetime(2026, 7, 2, 6, tzinfo=UTC)
    # ...and the page shows it back as typed.
    expect(page.locator("#id_overrides-0-starts_at_1")).to_have_value("18:00:00")
    members = page.locator(f"#id_{row}-members option")
    expect(members).to_have_text(["Bob", "Alice"])
