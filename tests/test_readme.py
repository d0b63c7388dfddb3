"""The README's state diagram is the transition table, not a drawing that drifts from it."""

from pathlib import Path

import pytest

from changes.models import Change
from incidents.models import Incident
from problems.models import Problem

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_opens_with_the_two_commands():
    opening = README.read_text().splitlines()[:10]
    assert any(line.startswith("make run") for line in opening)
    assert any(line.startswith("make test") for line in opening)


TICKET_TYPES = [Incident, Problem, Change]


@pytest.mark.parametrize("model", TICKET_TYPES)
def test_readme_state_diagram_matches_the_move_table(model):
    assert model.moves.mermaid() in README.read_text()


@pytest.mark.parametrize("model", TICKET_TYPES)
def test_readme_lists_every_move(model):
    text = README.read_text()
    for move in model.moves:
        assert f"| {move.name} |" in text
