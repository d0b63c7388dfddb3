"""Quiet hours: a mail waits for their end only for a recipient whose preference says so;
everyone else is mailed at once, and the in-app inbox is always immediate."""

from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from notifications.delivery import relay_due
from notifications.enums import Channel, DeliveryStatus, EventKind
from notifications.events import Event
from notifications.models import Notification, Preference, QuietHours
from notifications.outbox import notify
from notifications.quiet import QuietWindow
from servicedesk.celery import app
from tests.notifications.harness import read_mail

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = QuietWindow(time(22), time(7), BERLIN)


def at(text: str) -> datetime:
    """A Berlin wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def breach(*user_ids: int) -> Event:
    return Event(
        key="incidents.incident:1/99",
        kind=EventKind.SLA_BREACH,
        subject="[INC0000001] Mail is down: resolution SLA breached",
        body="",
        url="http://localhost/admin/",
        user_ids=frozenset(user_ids),
        team_id=None,
    )


# --- the window ----------------------------------------------------------------------


def test_inside_the_night_the_mail_waits_for_seven_local():
    assert NIGHT.until(at("2026-01-14T02:00")) == at("2026-01-14T07:00")
    assert NIGHT.until(at("2026-01-14T22:00")) == at("2026-01-15T07:00")


def test_outside_the_night_nothing_waits():
    assert NIGHT.until(at("2026-01-14T07:00")) is None
    assert NIGHT.until(at("2026-01-14T21:59")) is None


def test_seven_local_across_the_spring_change_is_one_hour_earlier_in_utc():
    # 29 March 2026: Berlin goes from +01:00 to +02:00 at 02:00.
    before = NIGHT.until(at("2026-03-28T23:00"))
    assert before == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 07:00 CEST
    assert NIGHT.until(at("2026-03-27T23:00")) == datetime(2026, 3, 28, 6, 0, tzinfo=UTC)


def test_a_quiet_weekend_holds_saturday_night_until_monday_morning():
    weekends = QuietWindow(time(22), time(7), BERLIN, weekends=True)
    # Friday 23:00, Saturday noon, Sunday 23:00: all wait for Monday 07:00.
    monday = at("2026-01-19T07:00")
    assert weekends.until(at("2026-01-16T23:00")) == monday
    assert weekends.until(at("2026-01-17T12:00")) == monday
    assert weekends.until(at("2026-01-18T23:00")) == monday
    assert NIGHT.until(at("2026-01-17T12:00")) is None  # without the weekend: at once


# --- the outbox ----------------------------------------------------------------------


@pytest.fixture
def mailed(settings, tmp_path: Path) -> Iterator[Path]:
    """Tasks run in this process and mails land in ``tmp_path``: what was sent, and when."""
    was = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    yield tmp_path
    app.conf.task_always_eager = was


def mailed_to(folder: Path) -> list[str]:
    return sorted(message["To"] for message in read_mail(folder))


@pytest.mark.django_db
def test_at_two_in_the_night_only_who_asked_for_quiet_waits(
    agent, other_agent, mailed, django_capture_on_commit_callbacks
):
    # Alice respects quiet hours for breaches; Bob has the same quiet hours but his
    # preference says nothing (the default): he is mailed at once.
    for user in (agent, other_agent):
        QuietHours.objects.create(user=user, start=time(22), end=time(7), time_zone="Europe/Berlin")
    Preference.objects.create(user=agent, kind=EventKind.SLA_BREACH, respect_quiet_hours=True)
    night = at("2026-01-14T02:00")

    with django_capture_on_commit_callbacks(execute=True):
        notify(breach(agent.pk, other_agent.pk), now=night)

    assert mailed_to(mailed) == ["bob@example.com"]
    mail = {n.recipient: n for n in Notification.objects.filter(channel=Channel.EMAIL)}
    assert mail[other_agent].status == DeliveryStatus.DELIVERED
    assert mail[agent].next_attempt_at == at("2026-01-14T07:00")
    assert mail[agent].enqueued_at is None  # not with the broker: the relay sends it then
    assert mail[agent].status == DeliveryStatus.PENDING
    inbox = Notification.objects.filter(channel=Channel.INBOX)
    assert {n.recipient for n in inbox} == {agent, other_agent}
    assert all(n.status == DeliveryStatus.DELIVERED for n in inbox)

    # The relay leaves Alice's mail alone until seven in Berlin, and sends it then.
    assert relay_due(now=at("2026-01-14T06:59")) == 0
    assert mailed_to(mailed) == ["bob@example.com"]
    assert relay_due(now=at("2026-01-14T07:00")) == 1
    assert mailed_to(mailed) == ["alice@example.com", "bob@example.com"]
    mail[agent].refresh_from_db()
    assert mail[agent].status == DeliveryStatus.DELIVERED


@pytest.mark.django_db
def test_respecting_quiet_hours_without_having_any_mails_at_once(agent):
    Preference.objects.create(user=agent, kind=EventKind.SLA_BREACH, respect_quiet_hours=True)
    night = at("2026-01-14T02:00")
    notify(breach(agent.pk), now=night)
    assert Notification.objects.get(channel=Channel.EMAIL).next_attempt_at == night


@pytest.mark.django_db
def test_a_time_zone_must_exist(agent):
    from django.core.exceptions import ValidationError

    quiet = QuietHours(user=agent, time_zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="time zone"):
        quiet.full_clean()


@pytest.mark.django_db
def test_an_agent_sets_their_own_quiet_hours_in_the_console(agent, other_agent):
    from django.urls import reverse

    from tests.admin.conftest import client_for

    QuietHours.objects.create(user=other_agent, time_zone="UTC")
    client = client_for(agent)
    response = client.post(
        reverse("admin:notifications_quiethours_add"),
        {"start": "22:00", "end": "07:00", "time_zone": "Europe/Berlin", "weekends": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mine = QuietHours.objects.get(user=agent)
    assert (mine.start, mine.end, mine.time_zone, mine.weekends) == (
        time(22),
        time(7),
        "Europe/Berlin",
        True,
    )
    listed = client.get(reverse("admin:notifications_quiethours_changelist")).content.decode()
    assert "Europe/Berlin" in listed and "bob" not in listed.lower()
    # And the preference that makes a kind wait for them, beside email and inbox.
    response = client.post(
        reverse("admin:notifications_preference_add"),
        {"kind": EventKind.SLA_WARNING, "email": "on", "inbox": "on", "respect_quiet_hours": "on"},
    )
    assert response.status_code == 302
    assert Preference.objects.get(user=agent, kind=EventKind.SLA_WARNING).respect_quiet_hours


@pytest.mark.django_db
def test_the_zone_is_picked_from_the_list_and_a_made_up_one_is_refused(agent):
    from django.urls import reverse

    from tests.admin.conftest import client_for

    client = client_for(agent)
    add = reverse("admin:notifications_quiethours_add")
    html = client.get(add).content.decode()
    assert '<select name="time_zone"' in html and '<optgroup label="Europe">' in html
    assert '<option value="Europe/Berlin">Berlin (Europe)</option>' in html
    # A post made by hand with a zone that does not exist: the form says so, nothing kept.
    response = client.post(add, {"start": "22:00", "end": "07:00", "time_zone": "Europe/Berln"})
    assert response.status_code == 200
    assert "Europe/Berln is not an IANA time zone (such as Europe/Berlin)" in (
        response.content.decode()
    )
    assert not QuietHours.objects.exists()


@pytest.mark.django_db
def test_a_zone_stored_before_the_picker_stays_picked(agent):
    # Quiet hours typed in before the list (an alias the list leaves out, as US/Eastern):
    # the page shows that zone chosen, and saving the start alone keeps it, where a list
    # without it would have shown (and saved) UTC.
    from django.urls import reverse

    from tests.admin.conftest import client_for

    hours = QuietHours.objects.create(user=agent, time_zone="US/Eastern")
    client = client_for(agent)
    change = reverse("admin:notifications_quiethours_change", args=[hours.pk])
    html = client.get(change).content.decode()
    assert '<option value="US/Eastern" selected>US/Eastern</option>' in html
    response = client.post(change, {"start": "21:00", "end": "07:00", "time_zone": "US/Eastern"})
    assert response.status_code == 302
    hours.refresh_from_db()
    assert (hours.start, hours.time_zone) == (time(21), "US/Eastern")


@pytest.mark.django_db
def test_a_second_set_of_quiet_hours_is_refused_on_the_form(agent):
    # A second set for the same person was a 500 (one per user in the database).
    from django.urls import reverse

    from tests.admin.conftest import client_for

    client = client_for(agent)
    hours = QuietHours.objects.create(user=agent, time_zone="Europe/Berlin")
    add = reverse("admin:notifications_quiethours_add")
    response = client.post(add, {"start": "21:00", "end": "07:00", "time_zone": "UTC"})
    assert response.status_code == 200
    assert "You have quiet hours already: change those instead." in response.content.decode()
    hours.refresh_from_db()
    assert (QuietHours.objects.count(), hours.time_zone) == (1, "Europe/Berlin")
