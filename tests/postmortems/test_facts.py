"""The durations a postmortem starts from, computed from the incident's milestones to the
second, and how they read."""

from datetime import UTC, datetime, timedelta

import pytest

from incidents.models import Incident
from postmortems.facts import durations, format_seconds, seconds_between

T0 = datetime(2026, 11, 30, 14, 0, 0, 400_000, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_durations_from_the_milestones_to_the_second():
    incident = Incident(
        reported_at=at(600.9),  # 14:10:01.3
        acknowledged_at=at(845),  # 14:14:05.4
        resolved_at=at(7_265),  # 16:01:05.4
        mitigated_at=at(3_725),  # 15:02:05.4
        detected_at=at(299.7),  # 14:05:00.1
    )
    incident.impact_started_at = T0  # 14:00:00.4

    assert durations(incident) == {
        "time_to_detect": 300,
        "time_to_acknowledge": 845,
        "time_to_mitigate": 3_725,
        "time_to_resolve": 7_265,
        "reported_to_acknowledge": 244,
        "reported_to_mitigate": 3_124,
        "reported_to_resolve": 6_664,
        "impact_duration": 3_725,
    }


def test_a_missing_milestone_leaves_its_durations_empty():
    incident = Incident(reported_at=T0, detected_at=T0)
    incident.impact_started_at = None

    found = durations(incident)

    assert found["time_to_detect"] is None
    assert found["reported_to_resolve"] is None


def test_seconds_count_as_the_clock_reads():
    assert seconds_between(at(0.95), at(1.05)) == 0  # 14:00:01.35 -> 14:00:01.45: same second
    assert seconds_between(at(0.5), at(0.7)) == 1  # 14:00:00.9 -> 14:00:01.1: one tick


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "n/a"), (59, "59s"), (3_725, "1h 02m 05s"), (90_061, "1d 01h 01m 01s"), (-5, "-5s")],
)
def test_durations_read_as_time(seconds, text):
    assert format_seconds(seconds) == text
