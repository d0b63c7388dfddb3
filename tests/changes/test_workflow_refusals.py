"""Every move the table (and its rules per type) forbids from every state a type can
reach is refused, and nothing is written."""

import pytest

from changes.models import Change
from changes.workflow import change_move
from kernel.errors import MoveNotAllowed
from tests.factories import CHANGE_FORBIDDEN, CHANGE_INPUTS, CHANGE_PATHS

pytestmark = pytest.mark.django_db


def snapshot(change: Change) -> tuple:
    fresh = Change.objects.get(pk=change.pk)
    row = {f.attname: getattr(fresh, f.attname) for f in Change._meta.concrete_fields}
    return row, fresh.history.count(), fresh.timeline.count(), fresh.approvals.count()


@pytest.mark.parametrize(("kind", "status", "move"), CHANGE_FORBIDDEN)
def test_forbidden_move_is_refused(change_in, manager, kind, status, move):
    change = change_in(status, type=kind)
    before = snapshot(change)
    with pytest.raises(MoveNotAllowed, match="Cannot"):
        change_move(change, move, by=manager, **CHANGE_INPUTS[move])
    assert snapshot(change) == before


def test_the_table_covers_each_types_states_and_rules():
    refused = {(kind, move) for kind, _, move in CHANGE_FORBIDDEN}
    assert ("standard", "assess") in refused and ("emergency", "assess") in refused
    assert all((kind, "cancel") in refused for kind in CHANGE_PATHS)  # from Closed
