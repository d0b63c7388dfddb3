"""Every move the table forbids from a state is refused by the admin, with a message and
nothing written; so are moves missing an input."""

import pytest

from incidents.models import Incident, Status
from tests.admin.conftest import audit_counts, change_url, messages_of, move_url
from tests.factories import FORBIDDEN_MOVES, MOVE_INPUTS, declared_inputs

pytestmark = pytest.mark.django_db

FORBIDDEN = [
    pytest.param(name, status, id=f"{name}-from-{status.name}") for status, name in FORBIDDEN_MOVES
]


@pytest.mark.parametrize(("name", "status"), FORBIDDEN)
def test_a_move_from_a_state_it_does_not_leave_is_refused(
    manager_client, incident_in, name, status
):
    incident = incident_in(status)
    before = audit_counts(incident)

    response = manager_client.post(move_url(incident, name), MOVE_INPUTS[name])

    assert response.status_code == 302 and response["Location"] == change_url(incident)
    label = Incident.moves.get(name).label.lower()
    expected = f"{incident.number}: Cannot {label}: the record is {status.label}."
    assert any(message.startswith(expected) for message in messages_of(response))
    assert audit_counts(incident) == before


@pytest.mark.parametrize(("name", "status"), FORBIDDEN[:3])
def test_the_move_page_is_not_even_shown(manager_client, incident_in, name, status):
    incident = incident_in(status)

    response = manager_client.get(move_url(incident, name))

    assert response.status_code == 302
    assert any("Cannot" in message for message in messages_of(response))


def test_resolve_without_notes_is_a_form_error(agent_client, incident_in):
    incident = incident_in(Status.IN_PROGRESS)
    before = audit_counts(incident)

    response = agent_client.post(
        move_url(incident, "resolve"), {"resolution_code": "solution_provided"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"resolution_notes": ["This field is required."]}
    assert audit_counts(incident) == before


def test_an_invalid_choice_is_a_form_error(agent_client, incident):
    before = audit_counts(incident)

    response = agent_client.post(move_url(incident, "hold"), {"hold_reason": "lunch"})

    assert response.status_code == 200
    assert "hold_reason" in response.context["form"].errors
    assert audit_counts(incident) == before


def test_an_unknown_move_is_not_found(agent_client, incident):
    assert agent_client.post(move_url(incident, "explode"), {}).status_code == 404


def test_every_move_has_a_form_asking_exactly_its_inputs():
    from incidents.admin.incident import IncidentAdmin

    forms = IncidentAdmin.move_forms
    assert set(forms) == set(Incident.moves.names())
    for move in Incident.moves:
        declared = declared_inputs(move.name)
        fields = forms[move.name]().fields
        assert set(fields) == {spec.name for spec in declared}, move.name
        required = {name for name, field in fields.items() if field.required}
        assert required == {spec.name for spec in declared if spec.required}, move.name
