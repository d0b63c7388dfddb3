"""On-call set up entirely through the API, as a team keeps it in code: a schedule in
Paris, a weekly rotation whose second shift spans the change to summer time, an override
and a three-level escalation policy. Who is on call at T answers from it, and the
calendar feed shows the same shifts, each under a UID no fetch or window changes."""

from datetime import UTC, datetime

import icalendar
import pytest

from oncall.models import Schedule
from oncall.views import feed_url
from tests.conftest import _user

pytestmark = pytest.mark.django_db

PARIS_SCHEDULE = {"name": "Primary", "time_zone": "Europe/Paris"}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _created(api, path: str, body: dict) -> dict:
    response = api.post(f"/api/v1/oncall/{path}/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def carl(team):
    carl = _user("carl", groups=("Agents",), staff=True)
    team.members.add(carl)  # who covers the team's shifts is in the team
    return carl


@pytest.fixture
def set_up(manager_api, team, agent, other_agent, carl) -> dict:
    """What a team's on-call file would hold, sent by a manager."""
    schedule = _created(manager_api, "schedules", {"team": team.pk, **PARIS_SCHEDULE})
    rotation = _created(
        manager_api,
        "rotations",
        {
            "schedule": schedule["id"],
            "period": "weekly",
            "handoff_time": "09:00",
            "starts_on": "2026-03-16",  # a Monday; summer time begins Sunday 29 March
            "members": [agent.pk, other_agent.pk],
        },
    )
    override = _created(
        manager_api,
        "overrides",
        {
            "schedule": schedule["id"],
            "user": carl.pk,
            "starts_at": "2026-04-01T18:00:00+02:00",
            "ends_at": "2026-04-02T08:00:00+02:00",
            "reason": "Alice's evening off",
        },
    )
    policy = _created(
        manager_api,
        "escalation-policies",
        {
            "name": "Primary paging",
            "team": team.pk,
            "page_priorities": [2, 1],
            "page_severities": [1],
            "levels": [
                {"schedule": schedule["id"], "delay_minutes": 5},
                {"user": other_agent.pk, "delay_minutes": 10},
                {"team_manager": True, "delay_minutes": 15},
            ],
        },
    )
    return {"schedule": schedule, "rotation": rotation, "override": override, "policy": policy}


# (when, who): before and after each hand-off, across the DST change, inside the override.
WHO_AT = [
    ("2026-03-23T08:59:00+01:00", "alice"),
    ("2026-03-23T09:00:00+01:00", "bob"),
    ("2026-03-29T01:59:00+01:00", "bob"),  # the last minute of winter time
    ("2026-03-29T03:00:00+02:00", "bob"),  # the first of summer time
    ("2026-03-30T08:59:00+02:00", "bob"),
    ("2026-03-30T09:00:00+02:00", "alice"),  # 09:00 local still, now 07:00 UTC
    ("2026-04-01T17:59:00+02:00", "alice"),
    ("2026-04-01T18:00:00+02:00", "carl"),
    ("2026-04-02T07:59:00+02:00", "carl"),
    ("2026-04-02T08:00:00+02:00", "alice"),
    ("2026-04-06T09:00:00+02:00", "bob"),
]

# The shifts from Monday 16 March to Monday 13 April (Paris), as the feed must show them.
SHIFTS = [
    (utc(2026, 3, 16, 8), utc(2026, 3, 23, 8), "On call: Alice"),
    (utc(2026, 3, 23, 8), utc(2026, 3, 30, 7), "On call: Bob"),  # 167 hours
    (utc(2026, 3, 30, 7), utc(2026, 4, 1, 16), "On call: Alice"),
    (utc(2026, 4, 1, 16), utc(2026, 4, 2, 6), "On call: Carl (override)"),
    (utc(2026, 4, 2, 6), utc(2026, 4, 6, 7), "On call: Alice"),
    (utc(2026, 4, 6, 7), utc(2026, 4, 13, 7), "On call: Bob"),
]


def _who(api, team, at: str) -> dict:
    response = api.get(f"/api/v1/teams/{team.pk}/oncall/", {"at": at})
    assert response.status_code == 200
    [row] = response.json()["schedules"]
    return row


def test_who_is_on_call_at_t(set_up, agent_api, team):
    for at, username in WHO_AT:
        row = _who(agent_api, team, at)
        assert row["user"]["username"] == username, at
        assert row["override"] == (username == "carl"), at
    bob = _who(agent_api, team, "2026-03-29T12:00:00+02:00")
    assert (bob["shift_starts_at"], bob["shift_ends_at"]) == (
        "2026-03-23T08:00:00Z",
        "2026-03-30T07:00:00Z",
    )


def test_the_policy_reads_back_as_it_was_written(set_up, agent_api, other_agent):
    policy = set_up["policy"]
    body = agent_api.get(f"/api/v1/oncall/escalation-policies/{policy['id']}/").json()
    assert body["page_priorities"] == [1, 2] and body["page_severities"] == [1]
    assert body["levels"] == [
        {"schedule": set_up["schedule"]["id"], "user": None, "team_manager": False,
         "delay_minutes": 5},
        {"schedule": None, "user": other_agent.pk, "team_manager": False, "delay_minutes": 10},
        {"schedule": None, "user": None, "team_manager": True, "delay_minutes": 15},
    ]  # fmt: skip
    rotation = agent_api.get(f"/api/v1/oncall/rotations/{set_up['rotation']['id']}/").json()
    assert rotation["members"] == set_up["rotation"]["members"]


def _events(client, schedule: Schedule, **window: str) -> list[tuple[str, datetime, datetime, str]]:
    response = client.get(feed_url(schedule), window)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.content)
    return [
        (
            str(event["UID"]),
            event.decoded("DTSTART").astimezone(UTC),
            event.decoded("DTEND").astimezone(UTC),
            str(event["SUMMARY"]),
        )
        for event in calendar.walk("VEVENT")
    ]


def test_the_feed_shows_the_same_shifts_under_stable_uids(
    set_up, client, agent_api, team, django_assert_max_num_queries
):
    schedule = Schedule.objects.get(pk=set_up["schedule"]["id"])
    # The schedule, its rotations and their members, the overrides, the people (and the
    # session's): a year's window takes as many queries as a month's.
    with django_assert_max_num_queries(6):
        assert len(_events(client, schedule, **{"from": "2026-01-01", "to": "2026-12-31"})) > 40
    with django_assert_max_num_queries(6):
        assert len(_events(client, schedule, **{"from": "2026-03-01", "to": "2026-03-31"})) == 3
    first = _events(client, schedule, **{"from": "2026-03-16", "to": "2026-04-13"})
    assert [(start, end, summary) for _, start, end, summary in first] == SHIFTS
    assert len({uid for uid, *_ in first}) == len(SHIFTS)
    # Each event is who the API says is on call in the middle of it.
    for _, start, end, summary in first:
        row = _who(agent_api, team, (start + (end - start) / 2).isoformat())
        assert summary.startswith(f"On call: {row['user']['name']}")

    again = _events(client, schedule, **{"from": "2026-03-16", "to": "2026-04-13"})
    assert again == first
    # A window that opens in the middle of Bob's shift shows it whole, under its UID.
    later = _events(client, schedule, **{"from": "2026-03-29T12:00:00", "to": "2026-04-03"})
    assert later == first[1:5]


@pytest.mark.parametrize(
    ("window", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-04-01", "to": "2026-03-01"}, "to"),
        ({"from": "2026-01-01", "to": "2028-01-01"}, "to"),
        ({"from": "0001-01-01"}, "from"),
    ],
)
def test_a_bad_window_is_400(set_up, client, window, field):
    schedule = Schedule.objects.get(pk=set_up["schedule"]["id"])
    response = client.get(feed_url(schedule), window)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]


def test_long_names_fold_at_75_octets(set_up, client, carl):
    carl.first_name = "Carl-Maximilian Alexander von Überlingen-Hohenzollern-Sigmaringen"
    carl.save()
    schedule = Schedule.objects.get(pk=set_up["schedule"]["id"])
    text = client.get(feed_url(schedule), {"from": "2026-04-01", "to": "2026-04-03"}).content
    assert all(len(line) <= 75 for line in text.split(b"\r\n"))
    assert "Überlingen-Hohenzollern" in str(
        icalendar.Calendar.from_ical(text).walk("VEVENT")[1]["SUMMARY"]
    )
