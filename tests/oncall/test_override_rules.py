"""Who may lay an on-call override, and who may cover: agents cover for each other on
their own teams' schedules only, with someone from that team (or already taking turns on
the schedule); on-call managers and superusers lay overrides anywhere, still with someone
from the team. The API refuses with a JSON ``code``, the console beside the row, and the
schedule stays as it was."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Team
from oncall.models import Override, Schedule
from tests.conftest import _user, api_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/oncall/overrides/"


@pytest.fixture
def other_team_schedule(make_rotation) -> Schedule:
    """The network team's rota: dave takes the turns; alice and bob are not in it."""
    dave = _user("dave", groups=("Agents",), staff=True)
    network = Team.objects.create(name="Network")
    network.members.add(dave)
    schedule = Schedule.objects.create(team=network, name="Network primary")
    make_rotation([dave], schedule=schedule)
    return schedule


@pytest.fixture
def own_schedule(make_rotation, agent, other_agent) -> Schedule:
    return make_rotation([agent, other_agent]).schedule


def _body(schedule: Schedule, user_id: int) -> dict[str, object]:
    return {
        "schedule": schedule.pk,
        "user": user_id,
        "starts_at": "2026-05-01T18:00:00Z",
        "ends_at": "2026-05-02T08:00:00Z",
    }


def test_an_agent_covers_a_teammate_on_their_own_teams_schedule(
    agent_api, own_schedule, other_agent
):
    created = agent_api.post(URL, _body(own_schedule, other_agent.pk), format="json")
    assert created.status_code == 201, created.json()
    assert Override.objects.get().user == other_agent


def test_an_agent_may_not_touch_another_teams_schedule(agent_api, other_team_schedule, agent):
    dave = other_team_schedule.team.members.get()
    for user in (agent, dave):  # neither themselves nor the team's own member
        refused = agent_api.post(URL, _body(other_team_schedule, user.pk), format="json")
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"
        assert "Network's members and manager" in refused.json()["message"]
    assert not Override.objects.exists()


def test_the_person_covering_must_be_in_the_team(agent_api, manager_api, own_schedule):
    outsider = _user("olga", groups=("Agents",), staff=True)
    for client in (agent_api, manager_api):  # managers too: it is about who gets paged
        refused = client.post(URL, _body(own_schedule, outsider.pk), format="json")
        assert refused.status_code == 400
        body = refused.json()
        assert body["code"] == "invalid"
        assert "Olga is not in Service Desk" in body["errors"]["user"][0]
    assert not Override.objects.exists()


def test_moving_an_override_to_someone_outside_the_team_is_refused(
    manager_api, own_schedule, agent
):
    outsider = _user("olga", groups=("Agents",), staff=True)
    created = manager_api.post(URL, _body(own_schedule, agent.pk), format="json")
    url = f"{URL}{created.json()['id']}/"
    refused = manager_api.patch(url, {"user": outsider.pk}, format="json")
    assert refused.status_code == 400 and "user" in refused.json()["errors"]
    assert Override.objects.get().user == agent


def test_a_team_manager_who_is_only_an_agent_covers_their_team(own_schedule, team, agent):
    lead = _user("lena", groups=("Agents",), staff=True)
    team.manager = lead
    team.save()
    created = api_for(lead).post(URL, _body(own_schedule, lead.pk), format="json")
    assert created.status_code == 201, created.json()


def test_someone_taking_turns_from_elsewhere_may_cover(manager_api, make_rotation, team):
    guest = _user("gus", groups=("Agents",), staff=True)  # follows the sun from another team
    schedule = make_rotation([guest]).schedule
    created = manager_api.post(URL, _body(schedule, guest.pk), format="json")
    assert created.status_code == 201, created.json()


def test_the_console_refuses_an_outsider_beside_the_row(manager, own_schedule, agent):
    outsider = _user("olga", groups=("Agents",), staff=True)
    console = Client()
    console.force_login(manager)
    url = reverse("admin:oncall_schedule_change", args=[own_schedule.pk])
    assert console.get(url).status_code == 200
    form = _form_of(own_schedule)
    form.update(
        {
            "overrides-0-user": str(outsider.pk),
            "overrides-0-starts_at_0": "2026-07-01",
            "overrides-0-starts_at_1": "18:00",
            "overrides-0-ends_at_0": "2026-07-02",
            "overrides-0-ends_at_1": "08:00",
        }
    )
    response = console.post(url, form)
    assert response.status_code == 200
    assert "Olga is not in Service Desk" in response.content.decode()
    assert not Override.objects.exists()

    form["overrides-0-user"] = str(agent.pk)
    saved = console.post(url, form)
    assert saved.status_code == 302
    assert Override.objects.get().user == agent


def _form_of(schedule: Schedule) -> dict[str, object]:
    """The schedule's page as posted back unchanged: its fields, its rotation as it is."""
    rotation = schedule.rotations.get()
    members = [str(m.user_id) for m in rotation.members.all()]
    return {
        "team": str(schedule.team_id),
        "name": schedule.name,
        "time_zone": schedule.time_zone,
        "rotations-TOTAL_FORMS": "1",
        "rotations-INITIAL_FORMS": "1",
        "rotations-MIN_NUM_FORMS": "0",
        "rotations-MAX_NUM_FORMS": "1000",
        "rotations-0-id": str(rotation.pk),
        "rotations-0-schedule": str(schedule.pk),
        "rotations-0-period": rotation.period,
        "rotations-0-handoff_time": rotation.handoff_time.strftime("%H:%M"),
        "rotations-0-starts_on": rotation.starts_on.isoformat(),
        "rotations-0-members": members,
        "overrides-TOTAL_FORMS": "1",
        "overrides-INITIAL_FORMS": "0",
        "overrides-MIN_NUM_FORMS": "0",
        "overrides-MAX_NUM_FORMS": "1000",
    }


def test_a_rotation_lists_each_person_once(manager, manager_api, own_schedule, agent, other_agent):
    rotation = own_schedule.rotations.get()
    url = f"/api/v1/oncall/rotations/{rotation.pk}/"
    twice = [agent.pk, other_agent.pk, agent.pk]
    refused = manager_api.patch(url, {"members": twice}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"
    assert "listed more than once" in refused.json()["errors"]["members"][0]
    # The console says the same of a repeat posted by hand (its picker offers each once).
    console = Client()
    console.force_login(manager)
    page = console.post(
        reverse("admin:oncall_rotation_change", args=[rotation.pk]),
        {
            "schedule": str(own_schedule.pk),
            "period": rotation.period,
            "handoff_time": "09:00",
            "starts_on": rotation.starts_on.isoformat(),
            "members": [str(pk) for pk in twice],
        },
    )
    assert page.status_code == 200 and "listed more than once" in page.content.decode()
    assert [m.user_id for m in rotation.members.all()] == [agent.pk, other_agent.pk]


def _override_form(schedule: Schedule, user_id: int) -> dict[str, str]:
    return {
        "schedule": str(schedule.pk),
        "user": str(user_id),
        "starts_at_0": "2026-07-01",
        "starts_at_1": "18:00",
        "ends_at_0": "2026-07-02",
        "ends_at_1": "08:00",
        "reason": "Evening off",
    }


def test_an_agent_adds_an_override_in_the_console_in_the_schedules_zone(
    agent, other_agent, make_rotation
):
    schedule = make_rotation([agent, other_agent], tz="Europe/Paris").schedule
    console = Client()
    console.force_login(agent)
    add = reverse("admin:oncall_override_add")
    page = console.get(add, {"schedule": schedule.pk}).content.decode()
    assert "time zone (Europe/Paris)." in page
    saved = console.post(add, _override_form(schedule, other_agent.pk))
    assert saved.status_code == 302
    override = Override.objects.get()
    # 18:00 in Paris in summer is 16:00 UTC, whatever the server's zone.
    assert (override.user, override.starts_at.hour, override.ends_at.hour) == (other_agent, 16, 6)


def test_the_console_refuses_an_agent_on_another_teams_schedule(agent, other_team_schedule):
    console = Client()
    console.force_login(agent)
    dave = other_team_schedule.team.members.get()
    response = console.post(
        reverse("admin:oncall_override_add"), _override_form(other_team_schedule, dave.pk)
    )
    assert response.status_code == 200
    assert "Only Network&#x27;s members and manager" in response.content.decode()
    assert not Override.objects.exists()


@pytest.mark.parametrize("picked", ["²", "garbage", "99999", "-1"])
def test_the_overrides_page_shrugs_off_an_odd_schedule_link(agent, own_schedule, picked):
    # ?schedule= is typed or pasted by people: a value that names no schedule leaves the
    # page as a plain add form (in UTC), never an error page.
    console = Client()
    console.force_login(agent)
    page = console.get(reverse("admin:oncall_override_add"), {"schedule": picked})
    assert page.status_code == 200
    assert "time zone (UTC)." in page.content.decode()
    posted = console.post(
        reverse("admin:oncall_override_add"),
        {**_override_form(own_schedule, agent.pk), "schedule": picked},
    )
    assert posted.status_code == 200 and "errornote" in posted.content.decode()
    assert not Override.objects.exists()


def test_a_new_schedule_without_a_team_is_refused_on_the_form_with_its_override(
    manager, agent, team
):
    # The override row cannot be judged without the schedule's team: the page says the
    # team is missing instead of failing.
    console = Client()
    console.force_login(manager)
    form = {
        "name": "Weekend",
        "time_zone": "UTC",
        **{f"rotations-{key}": value for key, value in _management(0).items()},
        **{f"overrides-{key}": value for key, value in _management(1).items()},
        "overrides-0-user": str(agent.pk),
        "overrides-0-starts_at_0": "2026-07-01",
        "overrides-0-starts_at_1": "18:00",
        "overrides-0-ends_at_0": "2026-07-02",
        "overrides-0-ends_at_1": "08:00",
    }
    response = console.post(reverse("admin:oncall_schedule_add"), form)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Schedule.objects.exists() and not Override.objects.exists()


def _management(total: int) -> dict[str, str]:
    return {
        "TOTAL_FORMS": str(total),
        "INITIAL_FORMS": "0",
        "MIN_NUM_FORMS": "0",
        "MAX_NUM_FORMS": "1000",
    }


def test_the_console_keeps_overrides_within_the_apis_years(
    agent, agent_api, own_schedule, other_agent
):
    # An override from year 1 to 9999 would cover the rota for ever (the latest override
    # wins): the API refuses it, and so does the Overrides page, in the same words.
    forever = {**_override_form(own_schedule, other_agent.pk), "starts_at_0": "0001-01-02"}
    forever["ends_at_0"] = "9999-12-30"
    console = Client()
    console.force_login(agent)
    response = console.post(reverse("admin:oncall_override_add"), forever)
    assert response.status_code == 200
    assert response.content.decode().count("Stay between 1970 and 9000.") == 2
    body = {**_body(own_schedule, other_agent.pk), "starts_at": "0001-01-02T00:00:00Z"}
    refused = agent_api.post(URL, body, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["starts_at"] == ["Stay between 1970 and 9000."]
    assert not Override.objects.exists()


def test_a_rotation_made_with_a_repeat_before_the_rule_does_not_block_the_page(
    manager, make_rotation, agent, other_agent
):
    # The API took [alice, bob, alice] until repeats were refused: saving the schedule's
    # page for something else (tonight's override) goes through, the old rota untouched.
    schedule = make_rotation([agent, other_agent, agent]).schedule
    console = Client()
    console.force_login(manager)
    form = _form_of(schedule)
    form.update(
        {
            "overrides-0-user": str(other_agent.pk),
            "overrides-0-starts_at_0": "2026-07-01",
            "overrides-0-starts_at_1": "18:00",
            "overrides-0-ends_at_0": "2026-07-02",
            "overrides-0-ends_at_1": "08:00",
        }
    )
    saved = console.post(reverse("admin:oncall_schedule_change", args=[schedule.pk]), form)
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    assert Override.objects.get().user == other_agent
    members = schedule.rotations.get().members.all()
    assert [m.user_id for m in members] == [agent.pk, other_agent.pk, agent.pk]
