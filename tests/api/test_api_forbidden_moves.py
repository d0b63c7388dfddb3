"""Every move refused from every state it does not start from: 409, and nothing written."""

import pytest

from incidents.models import Incident
from tests.api.conftest import url
from tests.factories import FORBIDDEN_MOVES, MOVE_INPUTS

pytestmark = pytest.mark.django_db


def snapshot(incident: Incident) -> tuple:
    fresh = Incident.objects.get(pk=incident.pk)
    row = {f.attname: getattr(fresh, f.attname) for f in Incident._meta.concrete_fields}
    return row, fresh.history.count(), fresh.timeline.count()


@pytest.mark.parametrize(("status", "move"), FORBIDDEN_MOVES)
def test_move_from_wrong_state_is_409(manager_api, incident_in, status, move):
    incident = incident_in(status)
    before = snapshot(incident)

    response = manager_api.post(url(incident, move), MOVE_INPUTS[move], format="json")

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "move_not_allowed"
    assert snapshot(incident) == before


@pytest.mark.parametrize(("status", "move"), FORBIDDEN_MOVES)
def test_refused_even_with_an_empty_body(manager_api, incident_in, status, move):
    """The state is checked before the input: no 400 for a move that cannot happen."""
    incident = incident_in(status)
    response = manager_api.post(url(incident, move), {}, format="json")
    assert response.status_code == 409
