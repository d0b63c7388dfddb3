"""Every problem move the table forbids from a state is refused, and nothing is written."""

import pytest

from kernel.errors import MoveNotAllowed
from problems.models import Problem
from problems.workflow import problem_move
from tests.factories import PROBLEM_FORBIDDEN, PROBLEM_INPUTS

pytestmark = pytest.mark.django_db


def snapshot(problem: Problem) -> tuple:
    fresh = Problem.objects.get(pk=problem.pk)
    row = {f.attname: getattr(fresh, f.attname) for f in Problem._meta.concrete_fields}
    return row, fresh.history.count(), fresh.timeline.count()


@pytest.mark.parametrize(("status", "move"), PROBLEM_FORBIDDEN)
def test_forbidden_move_is_refused(problem_in, manager, status, move):
    problem = problem_in(status)
    before = snapshot(problem)
    with pytest.raises(MoveNotAllowed, match="Cannot"):
        problem_move(problem, move, by=manager, **PROBLEM_INPUTS[move])
    assert snapshot(problem) == before


def test_the_table_covers_every_state():
    assert {status for status, _ in PROBLEM_FORBIDDEN} == set(Problem.moves.status)
