"""GLPI #15605: a priority change made the new SLA forget the pause time already spent.
Ours (retroactive start, as ServiceNow): the new target counts from the original start,
with the time already used and the pauses already taken."""

from datetime import UTC, datetime, timedelta

from incidents.workflow import incident_update
from sla.models import Clock, Target
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_priority_raised_halfway_keeps_time_spent_and_pauses(make_incident, agent, always, define):
    p3 = define("P3 24x7", always, order=20, priorities=[3], resolution_target=24)
    p2 = define("P2 24x7", always, order=10, priorities=[2], resolution_target=8)
    with at(T0):
        incident = make_incident(impact=2, urgency=2)  # P3
    incident = move(incident, "hold", T0 + timedelta(hours=2), agent, hold_reason="awaiting_caller")
    incident = move(incident, "resume", T0 + timedelta(hours=5), agent)
    old = clock_of(incident, Target.RESOLUTION)
    assert old.breach_at == T0 + timedelta(hours=27)  # 24 h + the 3 h pause

    with at(T0 + timedelta(hours=6)):  # halfway through a working day: raised to P2
        incident = incident_update(incident, by=agent, changes={"impact": 1})
    assert incident.priority == 2

    cancelled = Clock.objects.get(pk=old.pk)
    assert cancelled.cancelled_at == T0 + timedelta(hours=6)
    assert cancelled.cancel_reason == "Re-evaluated: now 'P2 24x7'"
    new = clock_of(incident, Target.RESOLUTION)
    assert new.definition == p2 and new.target_seconds == 8 * 3600
    assert new.started_at == T0  # the original start
    assert new.pauses == old.pauses  # the pause already taken
    # 3 h already used (2 h before the hold, 1 h after): 5 h of the new 8 h are left.
    assert new.breach_at == T0 + timedelta(hours=11)
    assert new.warn_at == T0 + timedelta(hours=9)  # 6 h used
    event = incident.timeline.get(verb="sla_changed")
    assert event.body == ("Resolution SLA now 'P2 24x7' (8 h), counted from the original start.")
    assert event.data["changes"] == [
        {"target": "resolution", "from": "P3 24x7", "to": "P2 24x7", "target_seconds": 28800}
    ]
    assert p3.clocks.count() == 1


def test_priority_raised_past_the_new_target_is_breached_at_once(
    make_incident, agent, always, define
):
    define("P3 24x7", always, order=20, priorities=[3], resolution_target=24)
    define("P2 24x7", always, order=10, priorities=[2], resolution_target=4)
    with at(T0):
        incident = make_incident(impact=2, urgency=2)
    with at(T0 + timedelta(hours=6)):
        incident = incident_update(incident, by=agent, changes={"impact": 1})
    new = clock_of(incident, Target.RESOLUTION)
    assert new.breach_at == T0 + timedelta(hours=4)  # in the past: the alarms stamp it
    assert Clock.objects.breached(T0 + timedelta(hours=6)).get() == new


def test_an_edit_of_an_unmatched_field_does_not_reevaluate(
    make_incident, agent, always, define, django_assert_max_num_queries
):
    define("P3 24x7", always, priorities=[3], resolution_target=24)
    with at(T0):
        incident = make_incident(impact=2, urgency=2)
    with at(T0 + timedelta(hours=1)):
        incident_update(incident, by=agent, changes={"title": "Mail down"})
    assert not incident.timeline.filter(verb="sla_changed").exists()
    assert Clock.objects.count() == 1
