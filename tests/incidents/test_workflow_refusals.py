"""Every move the table forbids is refused by the workflow, and nothing is saved."""

import pytest

from incidents.models import Incident
from incidents.workflow import incident_move, incident_resolve
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from tests.factories import ALLOWED_MOVES, FORBIDDEN_MOVES, MOVE_INPUTS, bring_to, move_inputs

pytestmark = pytest.mark.django_db


def snapshot(incident: Incident) -> tuple[object, ...]:
    incident.refresh_from_db()
    return (
        incident.status,
        incident.updated_at,
        incident.history.count(),
        incident.timeline.count(),
    )


@pytest.mark.parametrize(("status", "move"), FORBIDDEN_MOVES)
def test_forbidden_move_is_refused_and_saves_nothing(incident, manager, agent, status, move):
    incident = bring_to(incident, status, agent=agent, manager=manager)
    before = snapshot(incident)
    with pytest.raises(MoveNotAllowed) as refused:
        incident_move(incident, move, by=manager, **MOVE_INPUTS[move])
    assert refused.value.http_status == 409
    assert "Cannot" in refused.value.message
    assert snapshot(incident) == before


@pytest.mark.parametrize(("status", "move"), ALLOWED_MOVES)
def test_allowed_move_succeeds_with_an_event(incident, manager, agent, status, move):
    incident = bring_to(incident, status, agent=agent, manager=manager)
    events = incident.timeline.count()
    moved = incident_move(incident, move, by=manager, **move_inputs(move))
    assert moved.status == Incident.moves.target_of(Incident.moves.get(move), status)
    # Declaring also names the declarer commander: an event of its own.
    assert moved.timeline.count() == events + 1 + (move == "declare")
    assert moved.timeline.filter(verb=move).count() == 1
    assert moved.history.latest().history_user == manager


def test_resolve_needs_code_and_notes(incident, agent):
    before = snapshot(incident)
    with pytest.raises(MoveInvalid) as refused:
        incident_resolve(incident, by=agent, resolution_code="", resolution_notes="  ")
    assert set(refused.value.errors) == {"resolution_code", "resolution_notes"}
    assert refused.value.http_status == 400
    assert snapshot(incident) == before


def test_hold_needs_a_known_reason(incident, agent):
    with pytest.raises(MoveInvalid) as refused:
        incident_move(incident, "hold", by=agent, hold_reason="waiting_for_godot")
    assert "hold_reason" in refused.value.errors


def test_only_managers_cancel(incident, agent, manager):
    with pytest.raises(MoveForbidden):
        incident_move(incident, "cancel", by=agent, reason="Duplicate")
    assert incident_move(incident, "cancel", by=manager, reason="Duplicate").status == 8


def test_caller_may_confirm_or_reopen_but_not_resolve(incident, agent, caller, stranger):
    with pytest.raises(MoveForbidden):
        incident_move(incident, "resolve", by=caller, **MOVE_INPUTS["resolve"])
    incident = incident_move(incident, "resolve", by=agent, **MOVE_INPUTS["resolve"])
    with pytest.raises(MoveForbidden):
        incident_move(incident, "confirm", by=stranger)
    assert incident_move(incident, "reopen", by=caller, reason="No").reopen_count == 1


def test_unknown_move_and_unknown_inputs_are_refused(incident, agent):
    with pytest.raises(MoveNotAllowed):
        incident_move(incident, "teleport", by=agent)
    with pytest.raises(MoveInvalid):
        incident_move(incident, "acknowledge", by=agent, status=7)
