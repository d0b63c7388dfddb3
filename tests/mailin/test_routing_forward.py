"""A mail forwarded to the desk opens an incident whose description holds the forwarded
mail: it is the report ("see below"), and reply-stripping cut it to the line above."""

import pytest

from incidents.models import Incident
from mailin.models import Outcome
from mailin.process import QUOTED
from tests.mailin.mails import build

pytestmark = pytest.mark.django_db

FORWARD = """Please see below, this keeps happening.

---------- Forwarded message ---------
From: Backup Robot <backup@example.com>
Date: Mon, 1 Dec 2026 at 10:00
Subject: Backup failed
To: <carl@example.com>

Backup job 7 failed: disk full on srv-12.
"""

OUTLOOK = """FYI

-----Original Message-----
From: Licence Desk
Sent: Monday, 30 November 2026 09:12
To: Carl
Subject: Licence

Your CAD licence expires tomorrow.
"""


@pytest.mark.parametrize(
    ("subject", "body", "report"),
    [
        ("Fwd: Backup failed", FORWARD, "Backup job 7 failed: disk full on srv-12."),
        ("WG: Licence", OUTLOOK, "Your CAD licence expires tomorrow."),
        ("FW: Licence", OUTLOOK, "Your CAD licence expires tomorrow."),
    ],
)
def test_a_forwarded_mail_is_the_incidents_description(receive, caller, subject, body, report):
    got = receive(build(subject=subject, body=body))

    assert got.outcome == Outcome.CREATED
    incident = Incident.objects.get()
    assert report in incident.description
    assert incident.description.startswith(body.split("\n", 1)[0])


def test_a_reply_opening_an_incident_keeps_its_quote_below_a_line(receive, caller):
    # Not a forward: the reply first, what it quoted below (test_reply_without_thread.py).
    body = "The VPN drops every 5 minutes.\n\nOn Monday, Dana wrote:\n> Is the VPN fine?\n"
    receive(build(subject="Re: VPN", body=body))

    assert Incident.objects.get().description == (
        f"The VPN drops every 5 minutes.{QUOTED}On Monday, Dana wrote:\n> Is the VPN fine?"
    )
