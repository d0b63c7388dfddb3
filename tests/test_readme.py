"""The README's state diagram is the transition table, not a drawing that drifts from it."""

from pathlib import Path

from incidents.models import Incident

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_opens_with_the_two_commands():
    opening = README.read_text().splitlines()[:10]
    assert any(line.startswith("make run") for line in opening)
    assert any(line.startswith("make test") for line in opening)


def test_readme_state_diagram_matches_the_move_table():
    assert Incident.moves.mermaid() in README.read_text()


def test_readme_lists_every_move():
    text = README.read_text()
    for move in Incident.moves:
        assert f"| {move.name} |" in text
