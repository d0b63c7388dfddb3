"""The README's state diagram is the transition table, not a drawing that drifts from it;
what it tells a newcomer (logins, address, where mail goes) is what `make run` does, and
every link it has stays inside the repository."""

import re
from pathlib import Path

import pytest

from changes.models import Change
from demo import data
from demo.management.commands.load_demo import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    STAFF_PASSWORD,
    USER_PASSWORD,
)
from incidents.models import Incident
from problems.models import Problem
from servicedesk.settings import mailer_from_url

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


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


def test_readme_gives_the_demo_logins_address_and_mail_folder():
    text = README.read_text()
    agent, end_user = data.TEAMS["Service Desk"][0], data.END_USERS[0]
    for login in (
        f"admin `{ADMIN_USERNAME} / {ADMIN_PASSWORD}`",
        f"manager `{data.MANAGER} / {STAFF_PASSWORD}`",
        f"agent\n  `{agent} / {STAFF_PASSWORD}`",
        f"end user `{end_user} / {USER_PASSWORD}`",
    ):
        assert login.replace("\n  ", " ") in text.replace("\n  ", " "), login
    assert "HOST=0.0.0.0 PORT=8101 make run" in text
    # DEBUG=1 and no EMAIL_URL: the settings' own default mailer (tests swap in another).
    development = mailer_from_url("filemail://")
    assert Path(development["OPTIONS"]["file_path"]) == ROOT / "var" / "mail"
    assert "`var/mail/`" in text


def test_readme_links_stay_inside_the_repository():
    text = README.read_text()
    for target in re.findall(r"\]\(([^)#]*)", text):
        assert not re.match(r"[a-z]+:|/", target), f"{target}: outside the repository"
        assert (ROOT / target).resolve().is_relative_to(ROOT), target
        assert (ROOT / target).exists(), f"{target}: no such file"
    # Nor a path named in passing that climbs out of it (`../shared/...`).
    assert not re.search(r"(?<![.\w])\.\./", text)
