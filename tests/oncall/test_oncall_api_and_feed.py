"""Who is on call through the API (``GET /api/v1/teams/{id}/oncall/``), the iCalendar
feed, and the admin's schedule page."""

from datetime import date

import pytest
from django.urls import reverse

from oncall.views import feed_url
from tests.conftest import _user

pytestmark = pytest.mark.django_db


def test_api_answers_now_and_at_t(make_rotation, agent, other_agent, agent_api, team):
    make_rotation([agent, other_agent], tz="Europe/Paris", starts_on=date(2026, 3, 23))
    url = f"/api/v1/teams/{team.pk}/oncall/"
    body = agent_api.get(url, {"at": "2026-03-29T08:59:00+02:00"}).json()
    # Mon 23 alice, Tue bob, ... Sat 28 bob until Sunday's 09:00 (CEST by then).
    assert body["schedules"][0]["user"]["username"] == "bob"
    body = agent_api.get(url, {"at": "2026-03-29T09:00:00+02:00"}).json()
    assert body["schedules"][0]["user"]["username"] == "alice"
    assert body["schedules"][0]["shift_starts_at"] == "2026-03-29T07:00:00Z"
    assert agent_api.get(url).status_code == 200
    bad = agent_api.get(url, {"at": "2026-03-29T09:00:00"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert agent_api.get("/api/v1/teams/999999/oncall/").status_code == 404


@pytest.mark.parametrize(
    "at", ["2026-02-30T09:00:00Z", "2026-03-29T09:00:00+99:00", "9999-12-31T23:59:59+00:00"]
)
def test_an_impossible_or_far_at_is_a_400_not_a_500(make_rotation, agent, agent_api, team, at):
    make_rotation([agent], tz="Europe/Paris", starts_on=date(2026, 3, 23))
    bad = agent_api.get(f"/api/v1/teams/{team.pk}/oncall/", {"at": at})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "at" in bad.json()["errors"]


def test_api_is_for_agents(team, caller_api):
    assert caller_api.get(f"/api/v1/teams/{team.pk}/oncall/").status_code == 403


def test_ical_feed(make_rotation, agent, other_agent, client):
    rotation = make_rotation([agent, other_agent], starts_on=date.today())
    response = client.get(feed_url(rotation.schedule))
    assert response["Content-Type"] == "text/calendar"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:On call: Alice" in text and "SUMMARY:On call: Bob" in text
    assert client.get(reverse("oncall:feed", args=["forged"])).status_code == 404


def test_admin_schedule_page_shows_who_is_on_call(make_rotation, agent, admin_client):
    rotation = make_rotation([agent, _user("zed")], starts_on=date(2020, 1, 6))
    page = admin_client.get(reverse("admin:oncall_schedule_change", args=[rotation.schedule.pk]))
    assert page.status_code == 200
    assert "on call now" in page.content.decode().lower()
    listing = admin_client.get(reverse("admin:oncall_schedule_changelist")).content.decode()
    assert " until " in listing
