"""The README's postmortem diagram is the move table (as tests/test_readme.py holds the
other ticket types')."""

from pathlib import Path

from postmortems.models import Postmortem

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_state_diagram_matches_the_move_table():
    assert Postmortem.moves.mermaid() in README.read_text()


def test_readme_lists_every_move():
    text = README.read_text()
    for move in Postmortem.moves:
        assert f"| {move.name} |" in text
