"""SLA alarms (``sla.alarms.fire_due``): a warning at 75 % and a breach at 100 %, each stamped
once with its due instant, written on the incident's timeline and told to the right people
(warning: assignee and group; breach: the group's manager too), in words a person reads.
A paused, stopped or cancelled clock fires nothing."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from catalog.models import Team
from incidents.models import Incident
from notifications.enums import Channel, EventKind
from notifications.models import Notification
from sla.alarms import fire_due
from sla.models import Target
from tests.conftest import _user
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
WARN = T0 + timedelta(minutes=45)  # 75 % of the hour
DEADLINE = T0 + timedelta(hours=1)


@pytest.fixture
def desk(agent, other_agent):
    """Alice and Bob work the queue; Mona manages it from outside it, so what she hears
    is what a manager hears, not what a member does."""
    mona = _user("mona", groups=("Managers",), staff=True)
    team = Team.objects.create(name="Mail team", manager=mona)
    team.members.add(agent, other_agent)
    return team


@pytest.fixture
def one_hour(always, define):
    return define("P3 in an hour", always, resolution_target=1)


@pytest.fixture
def logged(make_incident, desk, other_agent, one_hour):
    """An incident logged at T0 by Alice, assigned to Bob in the mail team."""

    def make(**fields) -> Incident:
        with at(T0):
            return make_incident(assignment_group=desk, assigned_to=other_agent, **fields)

    return make


def told(kind: str) -> set[str]:
    mails = Notification.objects.filter(kind=kind, channel=Channel.EMAIL)
    return {n.recipient.username for n in mails.select_related("recipient")}


def subjects(kind: str) -> set[str]:
    mails = Notification.objects.filter(kind=kind, channel=Channel.EMAIL)
    return set(mails.values_list("subject", flat=True))


def test_the_warning_at_75_percent_tells_assignee_and_group_once(logged):
    incident = logged()
    assert fire_due(WARN - timedelta(seconds=1)) == 0

    assert fire_due(WARN) == 1

    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.warned_at == WARN and clock.breached_at is None
    assert clock.history.first().history_change_reason == "SLA warning"
    entry = incident.timeline.get(verb="sla_warning")
    assert entry.author is None
    assert entry.data["target"] == "resolution" and entry.data["due"] == DEADLINE.isoformat()
    assert "75 % of the resolution target (1 h, P3 in an hour) is used" in entry.body
    assert told(EventKind.SLA_WARNING) == {"alice", "bob"}  # not the manager
    assert subjects(EventKind.SLA_WARNING) == {
        f"[{incident.number}] Cannot send email: resolution SLA at 75 % (due 09:00 UTC)"
    }
    # Every later sweep finds it stamped.
    assert fire_due(WARN + timedelta(minutes=5)) == 0
    assert incident.timeline.filter(verb="sla_warning").count() == 1


def test_the_breach_tells_the_manager_too_once(logged):
    incident = logged()
    fire_due(WARN)

    assert fire_due(DEADLINE + timedelta(seconds=1)) == 1
    assert fire_due(DEADLINE + timedelta(hours=1)) == 0

    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.breached_at == DEADLINE and clock.warned_at == WARN
    assert clock.history.first().history_change_reason == "SLA breached"
    assert incident.timeline.filter(verb="sla_breach").count() == 1
    assert told(EventKind.SLA_BREACH) == {"alice", "bob", "mona"}
    assert subjects(EventKind.SLA_BREACH) == {
        f"[{incident.number}] Cannot send email: resolution SLA breached"
    }


def test_a_sweep_after_the_deadline_sends_the_breach_alone(logged):
    # Beat was down from before the warning until after the deadline: one breach notice,
    # not a warning about a deadline already gone; both stamps hold their due instants.
    incident = logged()
    assert fire_due(DEADLINE + timedelta(minutes=10)) == 1
    clock = clock_of(incident, Target.RESOLUTION)
    assert (clock.warned_at, clock.breached_at) == (WARN, DEADLINE)
    assert list(
        incident.timeline.filter(verb__startswith="sla_").values_list("verb", flat=True)
    ) == ["sla_breach"]
    assert not told(EventKind.SLA_WARNING)


def test_a_paused_clock_fires_nothing(logged, agent):
    incident = logged()
    move(incident, "hold", T0 + timedelta(minutes=10), agent, hold_reason="awaiting_caller")

    assert fire_due(T0 + timedelta(hours=5)) == 0

    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.paused_since is not None
    assert clock.warned_at is None and clock.breached_at is None
    assert not incident.timeline.filter(verb__startswith="sla_w").exists()
    assert not Notification.objects.filter(kind__startswith="sla_").exists()


def test_a_clock_stopped_in_time_fires_nothing(logged, agent):
    incident = logged()
    move(
        incident,
        "resolve",
        T0 + timedelta(minutes=30),
        agent,
        resolution_code="solution_provided",
        resolution_notes="Fixed.",
    )
    assert fire_due(T0 + timedelta(hours=5)) == 0
    assert not Notification.objects.filter(kind__startswith="sla_").exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_tell_each_alarm_once(logged):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    incidents = [logged(title=f"Outage {i}") for i in range(6)]
    start = threading.Barrier(2)
    results: list[int] = []

    def sweep() -> None:
        try:
            start.wait()
            results.append(fire_due(DEADLINE + timedelta(seconds=1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == len(incidents)
    for incident in incidents:
        assert incident.timeline.filter(verb="sla_breach").count() == 1
    assert Notification.objects.filter(
        kind=EventKind.SLA_BREACH, channel=Channel.EMAIL
    ).count() == (3 * len(incidents))


def test_the_sweep_is_on_the_beat_schedule_every_30_seconds():
    from servicedesk.celery import app

    app.loader.import_default_modules()  # as run_periodic does: autodiscovery is lazy
    entries = dict(app.conf.beat_schedule)
    assert entries["fire-sla-alarms"]["task"] == "sla.tasks.fire_sla_alarms"
    assert entries["fire-sla-alarms"]["schedule"] == 30.0
    assert "sla.tasks.fire_sla_alarms" in app.tasks
