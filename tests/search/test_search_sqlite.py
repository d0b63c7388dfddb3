"""On SQLite (``make run``'s embedded default) the same search works without full-text
search: every word must appear, title matches first, work notes for agents only; the
incident list's search box finds titles and descriptions."""

import json

from tests.imports.slices import manage
from tests.template_db import migrated_sqlite

SCRIPT = """
import json
from django.contrib.auth.models import Group
from accounts.models import User
from incidents.models import Incident
from incidents.workflow import incident_add_note, incident_create
from kernel.search import search

agent = User.objects.create_user("ann", is_staff=True)
agent.groups.add(Group.objects.get(name="Agents"))
caller = User.objects.create_user("carl")
by_note = incident_create(by=agent, title="Paper tray", description="", caller=caller)
incident_add_note(by_note, by=agent, body="Printer JAMS after the update.", internal=True)
by_text = incident_create(by=agent, title="Floor 2", description="the printer jams", caller=caller)
by_title = incident_create(by=agent, title="Printer jams", description="", caller=caller)
incident_create(by=agent, title="Printer fine", description="no jam here", caller=caller)

def found(term, user):
    results = search(term, user=user)
    return {
        "jump": results.jump and results.jump.number,
        "incidents": [[h.number, h.matched] for g in results.groups[:1] for h in g.hits],
    }

print(json.dumps({
    "numbers": [by_title.number, by_text.number, by_note.number],
    "agent": found("printer jams", agent),
    "caller": found("printer jams", caller),
    "jump": found("inc" + str(int(by_note.number[3:])), agent),
    "list": sorted(Incident.objects.search("jams").values_list("number", flat=True)),
}))
"""


def test_the_fallback_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"

    def run(*args: str) -> str:
        process = manage(*args, database_url=url)
        out, err = process.communicate(timeout=540)
        assert process.returncode == 0, err.decode()
        return out.decode()

    migrated_sqlite(tmp_path / "desk.sqlite3")
    answer = json.loads(run("shell", "-c", SCRIPT).strip().splitlines()[-1])

    by_title, by_text, by_note = answer["numbers"]
    assert answer["agent"] == {
        "jump": None,
        "incidents": [[by_title, ["details"]], [by_text, ["details"]], [by_note, ["work note"]]],
    }
    assert answer["caller"]["incidents"] == [[by_title, ["details"]], [by_text, ["details"]]]
    assert answer["jump"]["jump"] == by_note
    # The incident list's search: the title or the description.
    assert answer["list"] == sorted([by_title, by_text])
