"""Incidents reporting the same outage are children of the major incident: resolving it
resolves them, each through its own resolve move, and their callers are told."""

import pytest

from incidents.major import incident_link_major, incident_unlink_major
from incidents.models import Status
from incidents.workflow import incident_move, incident_resolve
from kernel.errors import MoveInvalid, MoveNotAllowed
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def major(make_incident, manager):
    return incident_move(make_incident(title="Mail down"), "declare", by=manager, reason="All")


def test_resolving_the_parent_resolves_its_open_children(
    major, make_incident, incident_in, agent, caller, stranger
):
    children = [make_incident(title=f"Cannot send {n}", caller=stranger) for n in range(3)]
    held = incident_in(Status.ON_HOLD, title="Held one")
    canceled = incident_in(Status.CANCELED, title="Was a duplicate")
    for child in (*children, held):
        incident_link_major(child, by=agent, parent=major)
    assert major.children.count() == 4
    with pytest.raises(MoveNotAllowed):
        incident_link_major(canceled, by=agent, parent=major)

    incident_resolve(
        major, by=agent, resolution_code="solution_provided", resolution_notes="Relay restarted"
    )

    for child in (*children, held):
        child.refresh_from_db()
        assert child.status == Status.RESOLVED
        assert child.resolution_code == "solution_provided"
        assert (
            child.resolution_notes
            == f"Resolved with major incident {major.number}: Relay restarted"
        )
        rows = child.history.filter(history_change_reason__startswith="Resolved with")
        assert rows.count() == 1 and rows.get().history_user == agent
        event = child.timeline.get(verb="resolve")
        callers = Notification.objects.filter(event_key__endswith=f"/{event.pk}")
        assert child.caller_id in set(callers.values_list("recipient", flat=True))
    canceled.refresh_from_db()
    assert canceled.status == Status.CANCELED


def test_link_refusals_and_unlink(major, make_incident, incident, agent, manager):
    with pytest.raises(MoveInvalid):
        incident_link_major(major, by=agent, parent=major)
    with pytest.raises(MoveNotAllowed) as not_major:
        incident_link_major(major, by=agent, parent=incident)
    assert "is not a major incident" in not_major.value.message
    other = incident_move(make_incident(title="Other"), "declare", by=manager, reason="Too")
    with pytest.raises(MoveNotAllowed) as is_major:
        incident_link_major(other, by=agent, parent=major)
    assert "is a major incident itself" in is_major.value.message
    child = incident_link_major(incident, by=agent, parent=major)
    assert child.major_incident == major
    assert major.timeline.filter(verb="linked_major", data__child=child.number).exists()
    unlinked = incident_unlink_major(child, by=agent, reason="Different cause")
    assert unlinked.major_incident is None
    assert unlinked.timeline.filter(verb="unlinked_major", body="Different cause").exists()


def test_a_major_incident_with_open_children_cannot_be_undeclared(major, incident, agent, manager):
    child = incident_link_major(incident, by=agent, parent=major)
    with pytest.raises(MoveNotAllowed) as refused:
        incident_move(major, "undeclare", by=manager, reason="Smaller than we thought")
    assert refused.value.message == (
        f"Cannot undeclare major incident: its child incidents {child.number} are open; "
        "unlink them first."
    )
    major.refresh_from_db()
    assert major.is_major
    incident_unlink_major(child, by=agent)
    assert not incident_move(major, "undeclare", by=manager, reason="Smaller").is_major
