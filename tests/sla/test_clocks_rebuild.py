"""clocks_rebuild derives the clocks from the timeline, for loads made with the events
muted (the demo, imports): the same clocks the live engine keeps."""

from datetime import UTC, datetime, timedelta

from incidents.workflow import incident_update
from kernel import events
from sla.clocks import clocks_rebuild
from sla.models import Clock
from tests.sla.support import at, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FIELDS = (
    "target",
    "definition_id",
    "target_seconds",
    "started_at",
    "pauses",
    "paused_since",
    "stopped_at",
    "cancelled_at",
    "warn_at",
    "breach_at",
    "made_sla",
    "elapsed_seconds",
)


def _story(make_incident, agent, caller):
    with at(T0):
        incident = make_incident(impact=2, urgency=2)
    incident = move(incident, "acknowledge", T0 + timedelta(minutes=5), agent)
    incident = move(incident, "hold", T0 + timedelta(hours=1), agent, hold_reason="awaiting_caller")
    incident = move(incident, "resume", T0 + timedelta(hours=3), agent)
    with at(T0 + timedelta(hours=4)):
        incident = incident_update(incident, by=agent, changes={"impact": 1})
    incident = move(
        incident,
        "resolve",
        T0 + timedelta(hours=5),
        agent,
        resolution_code="solution_provided",
        resolution_notes="Fixed.",
    )
    return move(incident, "reopen", T0 + timedelta(hours=6), caller, reason="Still broken.")


def _clocks(incident):
    return sorted(Clock.objects.active().filter(incident=incident).values_list(*FIELDS), key=str)


def test_rebuild_gives_the_live_clocks(make_incident, agent, caller, always, define):
    define("P2", always, order=1, priorities=[2], response_target=0.5, resolution_target=4)
    define("P3", always, order=2, priorities=[3], response_target=1, resolution_target=24)
    live = _story(make_incident, agent, caller)
    with events.muted():
        muted = _story(make_incident, agent, caller)
    assert not Clock.objects.filter(incident=muted).exists()

    clocks_rebuild(muted)
    assert _clocks(muted) == _clocks(live)
    muted.refresh_from_db()
    live.refresh_from_db()
    assert muted.made_sla == live.made_sla is None
    # Rebuilding again replaces, never duplicates.
    clocks_rebuild(muted)
    assert _clocks(muted) == _clocks(live)
