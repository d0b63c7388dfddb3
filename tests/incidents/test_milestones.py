"""Milestones stay in order, and a person changes one only with a reason (issue 13, must
show 2): each refusal names the milestone that is out of order, and saves nothing."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from incidents.milestone_order import milestone_refusal
from incidents.milestones import incident_set_milestone
from incidents.models import Incident, Status
from incidents.workflow import incident_resolve, incident_update
from kernel.errors import MoveForbidden, MoveInvalid
from tests.factories import bring_to

pytestmark = pytest.mark.django_db


def at(minutes: int) -> datetime:
    return timezone.now().replace(microsecond=0) - timedelta(hours=6) + timedelta(minutes=minutes)


def snapshot(incident: Incident) -> tuple[object, ...]:
    incident.refresh_from_db()
    return (incident.history.count(), incident.timeline.count(), incident.updated_at)


# The incident below, brought to Closed: impact started unset, detected and reported at
# +0 (logging), acknowledged +10, mitigated +20, resolved +30, closed +40 (set by hand
# first so that every milestone has a known time).
REFUSALS = [
    # (milestone, minutes, the refusal names)
    ("impact_started", 5, "Detected"),
    ("detected", -5 + 15, "Reported"),
    ("reported", 12, "Acknowledged"),
    ("acknowledged", -1, "Acknowledged"),
    ("acknowledged", 25, "Mitigated"),
    ("mitigated", 5, "Mitigated"),
    ("mitigated", 35, "Resolved"),
    ("resolved", 15, "Resolved"),
    ("resolved", 45, "Closed"),
    ("closed", 25, "Closed"),
]


@pytest.fixture
def timed(incident_in, manager) -> Incident:
    incident = incident_in(Status.CLOSED)
    for name, minutes in (
        ("reported", 0),
        ("acknowledged", 10),
        ("mitigated", 20),
        ("resolved", 30),
        ("closed", 40),
    ):
        setattr(incident, f"{name}_at", at(minutes))
    incident.detected_at = at(0)
    incident.save()  # the fixture's times, not a move: nothing to audit
    return incident


@pytest.mark.parametrize(("milestone", "minutes", "names"), REFUSALS)
def test_a_milestone_out_of_order_is_refused_naming_it(timed, manager, milestone, minutes, names):
    before = snapshot(timed)
    with pytest.raises(MoveInvalid) as refused:
        incident_set_milestone(
            timed, by=manager, milestone=milestone, at=at(minutes), reason="From the logs"
        )
    message = refused.value.errors["at"][0]
    assert names in message and "is before" in message
    assert refused.value.http_status == 400
    assert snapshot(timed) == before


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"impact_started": 0, "detected": 5, "reported": 5, "resolved": 60}, None),
        ({"detected": 5, "reported": 5, "mitigated": 5, "resolved": 5, "closed": 5}, None),
        ({"impact_started": 10, "detected": 5}, "Detected"),
        ({"impact_started": 10, "reported": 5}, "Reported"),  # an unset one is skipped
        ({"reported": 5, "acknowledged": 20, "resolved": 10}, "Resolved"),
        ({"mitigated": 30, "closed": 29}, "Closed"),
    ],
)
def test_the_order_rule_on_its_own(values, expected):
    refusal = milestone_refusal({name: at(minutes) for name, minutes in values.items()})
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None and refusal.startswith(expected)


def test_without_a_reason_nothing_changes(timed, manager):
    before = snapshot(timed)
    for reason in ("", "   "):
        with pytest.raises(MoveInvalid) as refused:
            incident_set_milestone(
                timed, by=manager, milestone="impact_started", at=at(-30), reason=reason
            )
        assert refused.value.errors == {"reason": ["Say why the impact started time changes."]}
    assert snapshot(timed) == before


def test_impact_started_earlier_than_detected_is_recorded_with_its_reason(timed, manager):
    moved = incident_set_milestone(
        timed,
        by=manager,
        milestone="impact_started",
        at=at(-30),
        reason="Checkout errors in the logs from 13:30",
    )
    assert moved.impact_started_at == at(-30)
    row = moved.history.latest("history_id")
    assert row.history_user == manager
    assert row.history_change_reason == "Impact started: Checkout errors in the logs from 13:30"
    event = moved.timeline.latest("id")
    assert event.verb == "milestone" and event.author == manager
    assert event.data == {
        "milestone": "impact_started",
        "from": None,
        "to": at(-30).isoformat(),
    }
    # Corrected again: the event keeps what it was.
    again = incident_set_milestone(
        moved, by=manager, milestone="impact_started", at=at(-40), reason="Earlier still"
    )
    assert again.timeline.latest("id").data["from"] == at(-30).isoformat()


def test_future_times_stamped_milestones_and_strangers_are_refused(incident, agent, stranger):
    with pytest.raises(MoveInvalid) as future:
        incident_set_milestone(
            incident,
            by=agent,
            milestone="detected",
            at=timezone.now() + timedelta(minutes=5),
            reason="Typo",
        )
    assert future.value.errors == {"at": ["A milestone cannot be in the future."]}
    with pytest.raises(MoveInvalid) as stamped:
        incident_set_milestone(
            incident, by=agent, milestone="resolved", at=timezone.now(), reason="Fixed"
        )
    assert "stamped when it happens" in stamped.value.errors["milestone"][0]
    with pytest.raises(MoveInvalid) as unacknowledged:
        incident_set_milestone(
            incident, by=agent, milestone="mitigated", at=timezone.now(), reason="Failover"
        )
    assert unacknowledged.value.errors == {
        "milestone": ["Acknowledge the incident before it is mitigated."]
    }
    with pytest.raises(MoveForbidden):
        incident_set_milestone(
            incident, by=stranger, milestone="detected", at=timezone.now(), reason="Hm"
        )


def test_mitigated_by_hand_then_resolving_keeps_it(incident, agent):
    incident = bring_to(incident, Status.IN_PROGRESS, agent=agent, manager=agent)
    mitigated = timezone.now()
    incident = incident_set_milestone(
        incident, by=agent, milestone="mitigated", at=mitigated, reason="Failed over to B"
    )
    incident = incident_resolve(
        incident, by=agent, resolution_code="solution_provided", resolution_notes="Fixed"
    )
    assert incident.mitigated_at == mitigated and incident.resolved_at >= mitigated


def test_editing_the_detected_time_needs_a_reason_and_keeps_the_order(incident, agent):
    earlier = incident.reported_at - timedelta(minutes=3)
    with pytest.raises(MoveInvalid) as refused:
        incident_update(incident, by=agent, changes={"detected_at": earlier})
    assert refused.value.errors == {"reason": ["Say why the detected time changes."]}
    later = incident.reported_at + timedelta(minutes=3)
    with pytest.raises(MoveInvalid) as disorder:
        incident_update(incident, by=agent, changes={"detected_at": later}, reason="Alert")
    assert disorder.value.errors["detected_at"][0].startswith("Reported")
    updated = incident_update(
        incident, by=agent, changes={"detected_at": earlier}, reason="The alert fired first"
    )
    assert updated.detected_at == earlier
