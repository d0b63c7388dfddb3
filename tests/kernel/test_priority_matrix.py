"""Priority is derived from impact x urgency through a matrix that is data."""

import pytest

from incidents.workflow import (
    incident_override_priority,
    incident_recalculate_priority,
    incident_update,
)
from kernel.errors import MoveForbidden, MoveInvalid
from kernel.models import PriorityCell

pytestmark = pytest.mark.django_db

# ITIL.md's table: (impact, urgency) -> priority.
ITIL = [
    (1, 1, 1), (1, 2, 2), (1, 3, 3),
    (2, 1, 2), (2, 2, 3), (2, 3, 4),
    (3, 1, 3), (3, 2, 4), (3, 3, 5),
]  # fmt: skip


@pytest.mark.parametrize(("impact", "urgency", "priority"), ITIL)
def test_default_matrix_gives_itil_priority(make_incident, impact, urgency, priority):
    incident = make_incident(impact=impact, urgency=urgency)
    assert incident.priority == priority


@pytest.mark.parametrize(("impact", "urgency", "priority"), ITIL)
def test_changing_impact_or_urgency_recomputes(incident, agent, impact, urgency, priority):
    incident = incident_update(incident, by=agent, changes={"impact": impact, "urgency": urgency})
    assert incident.priority == priority


def test_edited_matrix_applies_to_new_incidents(make_incident):
    PriorityCell.objects.filter(impact=3, urgency=3).update(priority=4)
    assert make_incident(impact=3, urgency=3).priority == 4


def test_edited_matrix_applies_on_recalculation(make_incident, agent):
    incident = make_incident(impact=2, urgency=2)
    assert incident.priority == 3
    PriorityCell.objects.filter(impact=2, urgency=2).update(priority=2)
    assert incident_recalculate_priority(incident, by=agent) is True
    incident.refresh_from_db()
    assert incident.priority == 2
    assert incident.timeline.filter(verb="priority").get().data == {"from": 3, "to": 2}
    assert incident.history.latest().history_change_reason == "Priority matrix changed"
    assert incident_recalculate_priority(incident, by=agent) is False  # nothing left to do


def test_override_needs_a_manager_and_a_reason(incident, agent, manager):
    with pytest.raises(MoveForbidden):
        incident_override_priority(incident, by=agent, priority=1, reason="CEO affected")
    with pytest.raises(MoveInvalid):
        incident_override_priority(incident, by=manager, priority=1, reason="  ")
    incident.refresh_from_db()
    assert incident.priority == 3 and not incident.priority_overridden

    incident = incident_override_priority(incident, by=manager, priority=1, reason="CEO affected")
    assert incident.priority == 1
    assert incident.priority_override_reason == "CEO affected"
    # (a P1 is then declared a major incident by the system: its own history row)
    overridden = incident.history.get(history_change_reason="Priority override: CEO affected")
    assert overridden.history_user == manager


def test_overridden_priority_survives_matrix_changes_until_cleared(incident, agent, manager):
    incident = incident_override_priority(incident, by=manager, priority=1, reason="VIP")
    incident = incident_update(incident, by=agent, changes={"impact": 3, "urgency": 3})
    assert incident.priority == 1
    assert incident_recalculate_priority(incident, by=agent) is False

    incident = incident_override_priority(
        incident, by=manager, priority=None, reason="Back to rules"
    )
    assert incident.priority == 5 and not incident.priority_overridden
