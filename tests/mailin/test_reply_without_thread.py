"""A reply that answers no incident we know opens one, and keeps what it quoted below a
line: the first mail of the conversation is the desk's only context."""

from pathlib import Path

import pytest

from incidents.models import Incident, Status
from mailin.models import Outcome
from mailin.process import QUOTED
from tests.mailin.mails import build

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus" / "replies"
QUOTING = """Still broken, and now the second printer too.

On Tue, 1 Dec 2026 at 09:12, Facilities <facilities@example.com> wrote:
> Printer on floor 3 is jammed again: PC LOAD LETTER.
> Please report it to the service desk.
"""


def test_a_reply_to_someone_else_keeps_its_quote_below_a_line(receive, caller) -> None:
    inbound = receive(build(subject="Re: Printer on floor 3", body=QUOTING))

    incident = Incident.objects.get()
    assert (inbound.outcome, incident.title) == (Outcome.CREATED, "Printer on floor 3")
    assert incident.description == (
        "Still broken, and now the second printer too."
        + QUOTED
        + "On Tue, 1 Dec 2026 at 09:12, Facilities <facilities@example.com> wrote:\n"
        "> Printer on floor 3 is jammed again: PC LOAD LETTER.\n"
        "> Please report it to the service desk."
    )


@pytest.mark.parametrize("name", ["gmail_en.eml", "thunderbird_en.eml", "outlook_web_en.eml"])
def test_a_clients_reply_to_an_unknown_thread_keeps_its_quote(receive, name: str) -> None:
    # Real clients' replies to an incident this desk does not have (another desk's, a
    # number from before an import): they open one, reply first, history below.
    raw = (CORPUS / name).read_bytes()
    expected = (CORPUS / name.replace(".eml", ".expected.txt")).read_text().strip()

    receive(raw)

    incident = Incident.objects.get()
    reply, _, quoted = incident.description.partition(QUOTED)
    assert reply == expected
    assert "wrote:" in quoted or "From:" in quoted or "Von:" in quoted
    assert len(quoted) > 40


def test_a_fresh_mail_keeps_only_what_the_sender_wrote(receive, caller) -> None:
    receive(build(subject="Printer on floor 3", body="It jams.\n\nBest regards,\nCarl\n"))

    assert Incident.objects.get().description == "It jams."


def test_a_follow_up_of_a_closed_incident_links_it_instead(receive, incident_in) -> None:
    old = incident_in(Status.CLOSED)

    receive(build(subject=f"Re: [{old.number}] Cannot send email", body=QUOTING))

    new = Incident.objects.exclude(pk=old.pk).get()
    assert new.description.startswith(f"This follows up {old.number}")
    assert new.description.endswith("Still broken, and now the second printer too.")


def test_a_reply_that_threads_is_a_comment_without_its_quote(receive, incident) -> None:
    receive(build(subject=f"Re: [{incident.number}] Cannot send email", body=QUOTING))

    [comment] = incident.timeline.filter(kind="comment")
    assert comment.body == "Still broken, and now the second printer too."
