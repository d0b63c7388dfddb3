"""Setting on-call up in the console in one page each: a schedule with its zone picked, its
rotations (an empty row, members in turn order) and overrides typed in the schedule's
zone; a policy with checkboxes for what pages and its ladder as rows in minutes; a
webhook's event kinds as checkboxes. Agents read every on-call page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Endpoint
from oncall.models import EscalationLevel, EscalationPolicy, Override, Rotation, Schedule
from tests.conftest import _user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_add_page_offers_a_zone_picker_and_empty_rows(manager):
    page = _client(manager).get(reverse("admin:oncall_schedule_add"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<select name="time_zone"' in html and '<optgroup label="Europe">' in html
    assert '<option value="Europe/Paris">Paris (Europe)</option>' in html
    # An empty rotation row (members picked there) and an empty override row.
    assert 'name="rotations-0-starts_on"' in html and 'name="rotations-0-members"' in html
    assert 'name="overrides-0-starts_at_0"' in html
    assert "In the schedule&#x27;s time zone (UTC)." in html


def test_a_schedule_set_up_in_one_save(manager, team, agent, other_agent):
    carl = _user("carl", groups=("Agents",), staff=True)
    team.members.add(carl)  # who covers a team's shifts is in the team
    form = {
        "team": str(team.pk),
        "name": "Primary",
        "time_zone": "Europe/Paris",
        **_management("rotations", 1),
        "rotations-0-period": "weekly",
        "rotations-0-handoff_time": "09:00",
        "rotations-0-starts_on": "2026-03-16",
        # The order picked: bob first, then carl, then alice.
        "rotations-0-members": [str(other_agent.pk), str(carl.pk), str(agent.pk)],
        **_management("overrides", 1),
        "overrides-0-user": str(carl.pk),
        "overrides-0-starts_at_0": "2026-07-01",
        "overrides-0-starts_at_1": "18:00",
        "overrides-0-ends_at_0": "2026-07-02",
        "overrides-0-ends_at_1": "08:00",
    }
    console = _client(manager)
    response = console.post(reverse("admin:oncall_schedule_add"), form)
    assert response.status_code == 302, response.context["errors"]
    schedule = Schedule.objects.get()
    assert schedule.time_zone == "Europe/Paris"
    rotation = Rotation.objects.get(schedule=schedule)
    assert [m.user_id for m in rotation.members.all()] == [other_agent.pk, carl.pk, agent.pk]
    # 18:00 in Paris in summer is 16:00 UTC, whatever the server's zone.
    override = Override.objects.get(schedule=schedule)
    assert override.starts_at == datetime(2026, 7, 1, 16, tzinfo=UTC)
    assert override.ends_at == datetime(2026, 7, 2, 6, tzinfo=UTC)

    # The page shows them back as typed, in the schedule's zone, members in turn order.
    html = console.get(reverse("admin:oncall_schedule_change", args=[schedule.pk])).content
    html = html.decode()
    assert 'name="overrides-0-starts_at_1" value="18:00:00"' in html
    assert "In the schedule&#x27;s time zone (Europe/Paris)." in html
    members = html.split('name="rotations-0-members"')[1].split("</select>")[0]
    assert members.index("Bob") < members.index("Carl") < members.index("Alice")


def test_a_time_that_does_not_exist_in_the_zone_is_a_form_error(manager, team, agent):
    form = {
        "team": str(team.pk),
        "name": "Primary",
        "time_zone": "Europe/Paris",
        **_management("rotations", 0),
        **_management("overrides", 1),
        "overrides-0-user": str(agent.pk),
        "overrides-0-starts_at_0": "2026-03-29",
        "overrides-0-starts_at_1": "02:30",  # skipped: clocks go from 02:00 to 03:00
        "overrides-0-ends_at_0": "2026-03-29",
        "overrides-0-ends_at_1": "09:00",
    }
    response = _client(manager).post(reverse("admin:oncall_schedule_add"), form)
    assert response.status_code == 200
    assert "be interpreted in time zone Europe/Paris" in response.content.decode()
    assert not Schedule.objects.exists()


def test_a_policy_with_checkboxes_and_minutes(manager, team, agent):
    schedule = Schedule.objects.create(team=team, name="Primary")
    add = reverse("admin:oncall_escalationpolicy_add")
    page = _client(manager).get(add).content.decode()
    assert 'type="checkbox" name="page_priorities" value="1"' in page
    assert 'type="checkbox" name="page_severities" value="1"' in page
    assert 'name="levels-0-delay" value="15"' in page  # minutes, not 00:15:00
    form = {
        "name": "Primary paging",
        "team": str(team.pk),
        "page_priorities": ["2", "1"],
        "page_severities": ["1"],
        "repeat": "1",
        "is_active": "on",
        **_management("levels", 3),
        "levels-0-schedule": str(schedule.pk),
        "levels-0-delay": "5",
        "levels-1-user": str(agent.pk),
        "levels-1-delay": "10",
        "levels-2-team_manager": "on",
        "levels-2-delay": "30",
    }
    response = _client(manager).post(add, form)
    assert response.status_code == 302
    policy = EscalationPolicy.objects.get()
    assert policy.page_priorities == [1, 2] and policy.page_severities == [1]
    ladder = [(lv.position, lv.schedule_id, lv.user_id, lv.team_manager, lv.delay) for lv in
              EscalationLevel.objects.filter(policy=policy)]  # fmt: skip
    assert ladder == [
        (0, schedule.pk, None, False, timedelta(minutes=5)),
        (1, None, agent.pk, False, timedelta(minutes=10)),
        (2, None, None, True, timedelta(minutes=30)),
    ]
    listing = _client(manager).get(reverse("admin:oncall_escalationpolicy_changelist"))
    assert "P1, P2, SEV1" in listing.content.decode()


def test_a_webhooks_kinds_are_checkboxes(admin_client):
    add = reverse("admin:notifications_endpoint_add")
    assert 'type="checkbox" name="kinds" value="page"' in admin_client.get(add).content.decode()
    form = {"name": "Chat", "url": "https://chat.example.com/hook", "format": "standard"}
    response = admin_client.post(add, {**form, "kinds": ["page", "created"]})
    assert response.status_code == 200  # the page that shows the new secret once
    assert Endpoint.objects.get().kinds == ["created", "page"]


def test_agents_read_every_on_call_page(agent, make_rotation, other_agent, team):
    rotation = make_rotation([agent, other_agent])
    policy = EscalationPolicy.objects.create(name="Primary paging", team=team)
    viewer = _client(agent)
    for url in (
        reverse("admin:oncall_schedule_changelist"),
        reverse("admin:oncall_schedule_change", args=[rotation.schedule.pk]),
        reverse("admin:oncall_rotation_changelist"),
        reverse("admin:oncall_rotation_change", args=[rotation.pk]),
        reverse("admin:oncall_escalationpolicy_changelist"),
        reverse("admin:oncall_escalationpolicy_change", args=[policy.pk]),
        reverse("admin:oncall_escalation_changelist"),
    ):
        assert viewer.get(url).status_code == 200, url
    # Reading, not shaping: the schedule's fields are not editable for an agent.
    page = viewer.get(reverse("admin:oncall_schedule_change", args=[rotation.schedule.pk]))
    assert '<select name="time_zone"' not in page.content.decode()


@pytest.mark.parametrize("minutes", ["99999999999999", "5000", "-99999999999999"])
def test_a_wait_beyond_a_day_is_a_form_error_not_a_500(manager, team, agent, minutes):
    """The API refuses more than a day (``MAX_DELAY_MINUTES``); so does the console,
    instead of failing on a duration Python cannot hold or saving a wait no one means."""
    form = {
        "name": "Typo",
        "team": str(team.pk),
        "repeat": "0",
        **_management("levels", 1),
        "levels-0-user": str(agent.pk),
        "levels-0-delay": minutes,
    }
    response = _client(manager).post(reverse("admin:oncall_escalationpolicy_add"), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "less than or equal to 1440" in page or "Enter a number of minutes." in page
    assert not EscalationPolicy.objects.exists()


def test_an_end_user_is_refused_as_member_or_override(manager, team, agent, caller):
    form = {
        "team": str(team.pk),
        "name": "Primary",
        "time_zone": "UTC",
        **_management("rotations", 1),
        "rotations-0-period": "weekly",
        "rotations-0-handoff_time": "09:00",
        "rotations-0-starts_on": "2026-03-16",
        "rotations-0-members": [str(agent.pk), str(caller.pk)],
        **_management("overrides", 1),
        "overrides-0-user": str(caller.pk),
        "overrides-0-starts_at_0": "2026-07-01",
        "overrides-0-starts_at_1": "18:00",
        "overrides-0-ends_at_0": "2026-07-02",
        "overrides-0-ends_at_1": "08:00",
    }
    response = _client(manager).post(reverse("admin:oncall_schedule_add"), form)
    assert response.status_code == 200
    assert response.content.decode().count("Select a valid choice") == 2
    assert not Schedule.objects.exists()
