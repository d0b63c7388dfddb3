"""A resolution exactly at the deadline made the SLA; one minute after missed it (and the
breach is stamped at the deadline, even though no alarm ran)."""

from datetime import UTC, datetime, timedelta

import pytest

from sla.models import Target
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "made"), [(timedelta(hours=4), True), (timedelta(hours=4, minutes=1), False)]
)
def test_resolution_at_the_deadline_is_made_one_minute_after_is_missed(
    make_incident, agent, always, define, after, made
):
    define("P3 24x7", always, priorities=[3], response_target=1, resolution_target=4)
    with at(T0):
        incident = make_incident(impact=2, urgency=2)
    deadline = clock_of(incident, Target.RESOLUTION).breach_at
    assert deadline == T0 + timedelta(hours=4)
    incident = move(
        incident,
        "resolve",
        T0 + after,
        agent,
        resolution_code="solution_provided",
        resolution_notes="Fixed.",
    )
    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.stopped_at == T0 + after
    assert clock.made_sla is made
    assert clock.breach_at is None and clock.warn_at is None
    assert clock.warned_at == T0 + timedelta(hours=3)
    assert clock.breached_at == (None if made else deadline)
    # Resolved without an acknowledgement: the response clock stopped at the same time,
    # long after its hour.
    response = clock_of(incident, Target.RESPONSE)
    assert response.stopped_at == T0 + after and response.made_sla is False
    incident.refresh_from_db()
    assert incident.made_sla is False
    assert incident.history.first().history_change_reason == "SLA missed"


def test_no_breach_is_told_at_the_very_instant_that_still_counts_as_met(
    make_incident, agent, always, define
):
    """A target used up exactly at its deadline is met; a sweep at that instant tells
    nobody, and one a second later tells the breach."""
    from sla.alarms import fire_due

    define("24x7 4h", always, resolution_target=4)
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with at(start):
        incident = make_incident()
    deadline = start + timedelta(hours=4)

    fire_due(deadline)

    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.breached_at is None
    fire_due(deadline + timedelta(seconds=1))
    clock.refresh_from_db()
    assert clock.breached_at == deadline
