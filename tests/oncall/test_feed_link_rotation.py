"""The calendar feed's link is a random secret per schedule: those who may change the
schedule see it and rotate it (a button on the schedule's page, an action on the list),
which kills the old link; everyone else, and every guess, gets 404."""

import re
from datetime import date

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import signing
from django.test import Client
from django.urls import reverse

from oncall.models import Schedule
from oncall.views import feed_url

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def schedule(make_rotation, agent, other_agent) -> Schedule:
    return make_rotation([agent, other_agent], starts_on=date.today()).schedule


def _rotated_link(response) -> str:
    [message] = [str(m) for m in response.context["messages"]]
    assert "the old link no longer works" in message
    [link] = re.findall(r"http://testserver/oncall/schedules/\S+\.ics", message)
    return link


def test_the_button_rotates_the_link_and_the_old_one_dies(schedule, manager, client):
    old = feed_url(schedule)
    assert client.get(old).status_code == 200
    admin = _client(manager)
    page = admin.get(reverse("admin:oncall_schedule_change", args=[schedule.pk])).content.decode()
    assert old in page and "Rotate calendar link" in page

    response = admin.post(
        reverse("admin:oncall_schedule_rotate_calendar_link", args=[schedule.pk]), follow=True
    )
    new = _rotated_link(response)
    schedule.refresh_from_db()
    assert new == "http://testserver" + feed_url(schedule)
    assert f'<a href="{feed_url(schedule)}">' in response.content.decode()  # the page shows it
    assert client.get(old).status_code == 404
    calendar = client.get(new)
    assert calendar.status_code == 200 and "SUMMARY:On call: Alice" in calendar.content.decode()
    entry = LogEntry.objects.get(object_id=str(schedule.pk), action_flag=CHANGE)
    assert entry.user == manager and entry.get_change_message() == "Rotated the calendar link."
    assert schedule.feed_token not in entry.change_message


def test_the_list_action_rotates_each_selected_schedule(schedule, manager, client):
    old = feed_url(schedule)
    response = _client(manager).post(
        reverse("admin:oncall_schedule_changelist"),
        {"action": "rotate_calendar_link", "_selected_action": [schedule.pk]},
        follow=True,
    )
    new = _rotated_link(response)
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["Kq3x9Zr2Vb7Ln4Wc8Hd1Jf6Gm0Tp5Sy-Ue_Ai2Ox7Rk", "forged", "x" * 65, "a%00" + "b" * 40],
    ids=["well-formed-but-nobody's", "forged", "too-long", "nul-byte"],
)
def test_a_guessed_or_forged_link_is_404(schedule, client, token):
    assert client.get(f"/oncall/schedules/{token}.ics").status_code == 404


def test_the_old_signed_link_is_404(schedule, client):
    # What the feed answered to before the secret became random and rotatable.
    old_style = signing.dumps(schedule.pk, salt="oncall.feed")
    assert client.get(reverse("oncall:feed", args=[old_style])).status_code == 404


def test_an_agent_viewing_the_schedule_neither_sees_nor_rotates_the_link(schedule, agent):
    token = schedule.feed_token
    viewer = _client(agent)
    page = viewer.get(reverse("admin:oncall_schedule_change", args=[schedule.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "on call now" in html.lower()
    assert token not in html and "Rotate calendar link" not in html
    listing = viewer.get(reverse("admin:oncall_schedule_changelist")).content.decode()
    assert token not in listing and "rotate_calendar_link" not in listing
    refused = viewer.post(reverse("admin:oncall_schedule_rotate_calendar_link", args=[schedule.pk]))
    assert refused.status_code == 403
    schedule.refresh_from_db()
    assert schedule.feed_token == token
