"""Who may configure on-call through the API, and how it refuses what it cannot store:
agents read everything and may add overrides; managers create, change and delete;
end users and anonymous clients get nothing. Every refusal is JSON with a ``code``."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from oncall.models import EscalationLevel, EscalationPolicy, Override, Rotation, Schedule

pytestmark = pytest.mark.django_db

BASE = "/api/v1/oncall"


@pytest.fixture
def schedule(make_rotation, agent, other_agent) -> Schedule:
    return make_rotation([agent, other_agent], tz="Europe/Paris").schedule


def test_agents_read_but_do_not_shape_schedules(agent_api, schedule, team):
    listing = agent_api.get(f"{BASE}/schedules/", {"team": team.pk})
    assert listing.status_code == 200
    [row] = listing.json()["results"]
    assert row["name"] == "Primary" and row["time_zone"] == "Europe/Paris"
    refused = agent_api.post(
        f"{BASE}/schedules/", {"team": team.pk, "name": "Mine", "time_zone": "UTC"}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert agent_api.delete(f"{BASE}/schedules/{schedule.pk}/").status_code == 403
    assert Schedule.objects.count() == 1


def test_agents_may_cover_for_each_other(agent_api, schedule, agent):
    body = {
        "schedule": schedule.pk,
        "user": agent.pk,
        "starts_at": "2026-05-01T18:00:00+02:00",
        "ends_at": "2026-05-02T08:00:00+02:00",
    }
    created = agent_api.post(f"{BASE}/overrides/", body, format="json")
    assert created.status_code == 201
    assert created.json()["starts_at"] == "2026-05-01T16:00:00Z"
    # ...but moving or removing one is the managers' (as in the admin).
    url = f"{BASE}/overrides/{created.json()['id']}/"
    assert agent_api.delete(url).status_code == 403
    assert Override.objects.count() == 1


def test_end_users_and_strangers_get_nothing(caller_api, schedule):
    assert caller_api.get(f"{BASE}/schedules/").status_code == 403
    assert caller_api.get(f"{BASE}/escalation-policies/").status_code == 403
    anonymous = APIClient().get(f"{BASE}/rotations/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_a_manager_edits_a_rotations_members_in_order(manager_api, schedule, agent, other_agent):
    rotation = schedule.rotations.get()
    url = f"{BASE}/rotations/{rotation.pk}/"
    changed = manager_api.patch(url, {"members": [other_agent.pk, agent.pk]}, format="json")
    assert changed.status_code == 200 and changed.json()["members"] == [other_agent.pk, agent.pk]
    assert [m.user_id for m in rotation.members.all()] == [other_agent.pk, agent.pk]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("schedules", {"name": "X", "time_zone": "Mars/Olympus"}, "time_zone"),
        ("rotations", {"period": "hourly"}, "period"),
        ("rotations", {"members": [999999]}, "members"),
        ("rotations", {"starts_on": "0001-01-01"}, "starts_on"),
        ("overrides", {"ends_at": "2026-05-01T17:00:00+02:00"}, "ends_at"),
        ("overrides", {"starts_at": "0001-01-01T00:00:00Z"}, "starts_at"),
        ("escalation-policies", {"page_priorities": [9]}, "page_priorities"),
        ("escalation-policies", {"levels": [{"delay_minutes": 5}]}, "levels"),
        ("escalation-policies", {"levels": [{"team_manager": True, "delay_minutes": 0}]}, "levels"),
        ("schedules", {"status": "on"}, "status"),
    ],
)
def test_bad_input_is_400_naming_the_field(manager_api, schedule, agent, team, path, body, field):
    valid = {
        "schedules": {"team": team.pk, "name": "Backup", "time_zone": "UTC"},
        "rotations": {
            "schedule": schedule.pk,
            "period": "daily",
            "handoff_time": "09:00",
            "starts_on": "2026-05-04",
            "members": [agent.pk],
        },
        "overrides": {
            "schedule": schedule.pk,
            "user": agent.pk,
            "starts_at": "2026-05-01T18:00:00+02:00",
            "ends_at": "2026-05-02T08:00:00+02:00",
        },
        "escalation-policies": {
            "name": "P1",
            "levels": [{"team_manager": True, "delay_minutes": 5}],
        },
    }[path]
    response = manager_api.post(f"{BASE}/{path}/", {**valid, **body}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid" and field in response.json()["errors"]


def test_a_schedule_a_policy_pages_cannot_be_deleted(manager_api, schedule, team):
    policy = EscalationPolicy.objects.create(name="Primary", team=team)
    EscalationLevel.objects.create(policy=policy, schedule=schedule)
    refused = manager_api.delete(f"{BASE}/schedules/{schedule.pk}/")
    assert refused.status_code == 409 and refused.json()["code"] == "conflict"
    assert "Primary" in refused.json()["message"]
    assert manager_api.delete(f"{BASE}/escalation-policies/{policy.pk}/").status_code == 204
    assert manager_api.delete(f"{BASE}/schedules/{schedule.pk}/").status_code == 204
    assert not Rotation.objects.exists()


def test_replacing_a_policys_levels(manager_api, team, agent):
    created = manager_api.post(
        f"{BASE}/escalation-policies/",
        {"name": "P1", "team": team.pk, "levels": [{"user": agent.pk, "delay_minutes": 5}]},
        format="json",
    ).json()
    url = f"{BASE}/escalation-policies/{created['id']}/"
    ladder = [{"team_manager": True, "delay_minutes": 30}, {"user": agent.pk, "delay_minutes": 1}]
    assert manager_api.patch(url, {"levels": ladder}, format="json").status_code == 200
    levels = list(EscalationLevel.objects.filter(policy_id=created["id"]))
    assert [(lv.position, lv.team_manager, lv.user_id) for lv in levels] == [
        (0, True, None),
        (1, False, agent.pk),
    ]
    assert levels[0].delay.total_seconds() == 30 * 60


@pytest.mark.parametrize("count", [2, 20])
def test_lists_take_the_same_queries_at_any_size(
    count, agent_api, team, agent, other_agent, make_rotation, django_assert_max_num_queries
):
    for index in range(count):
        schedule = Schedule.objects.create(team=team, name=f"S{index}", time_zone="UTC")
        make_rotation([agent, other_agent], schedule=schedule, starts_on=date(2026, 1, 5))
        policy = EscalationPolicy.objects.create(name=f"P{index}", team=team)
        EscalationLevel.objects.create(policy=policy, schedule=schedule)
    for path in ("schedules", "rotations", "escalation-policies"):
        # The session and token checks, the page, one per prefetched relation.
        with django_assert_max_num_queries(8):
            response = agent_api.get(f"{BASE}/{path}/")
        assert len(response.json()["results"]) == count


def test_only_agents_are_put_on_call(manager_api, schedule, caller, agent, team):
    """An end user is never a rotation's member, an override or an escalation's target:
    a page would send them the incident's details."""
    rotation = schedule.rotations.get()
    refused = [
        manager_api.patch(
            f"{BASE}/rotations/{rotation.pk}/", {"members": [agent.pk, caller.pk]}, format="json"
        ),
        manager_api.post(
            f"{BASE}/overrides/",
            {
                "schedule": schedule.pk,
                "user": caller.pk,
                "starts_at": "2026-05-01T18:00:00+02:00",
                "ends_at": "2026-05-02T08:00:00+02:00",
            },
            format="json",
        ),
        manager_api.post(
            f"{BASE}/escalation-policies/",
            {"name": "P1", "team": team.pk, "levels": [{"user": caller.pk, "delay_minutes": 5}]},
            format="json",
        ),
    ]
    assert [r.status_code for r in refused] == [400, 400, 400]
    assert [next(iter(r.json()["errors"])) for r in refused] == ["members", "user", "levels"]
    assert [m.user_id for m in rotation.members.all()] != [agent.pk, caller.pk]
    assert not Override.objects.exists() and not EscalationPolicy.objects.exists()
