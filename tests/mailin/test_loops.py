"""No answer of ours to a robot: auto-replies, automatic mail, bounces, bulk mail and our
own mail each get nothing back (not even the "logged" acknowledgement), and each outcome
is recorded."""

import pytest
from django.core import mail

from accounts.models import User
from incidents.models import Incident
from kernel.enums import TimelineKind
from mailin.models import MailStatus, Outcome
from tests.mailin.mails import build, sent_to

pytestmark = pytest.mark.django_db

DSN = b"""From: Mail Delivery System <bounces@mx.example.net>
To: desk@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

The mail to gone@example.com could not be delivered.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; gone@example.com
Action: failed
Status: 5.1.1
--b--
"""


def test_an_out_of_office_reply_opens_nothing_and_gets_nothing(receive, caller):
    inbound = receive(build(subject="Out of office", Auto_Submitted="auto-replied"))
    assert inbound.status == MailStatus.IGNORED
    assert "Auto-Submitted: auto-replied" in inbound.reason
    assert not Incident.objects.exists()
    assert mail.outbox == []


def test_an_x_autoreply_is_an_auto_reply_too(receive, caller):
    inbound = receive(build(subject="Away", X_Autoreply="yes"))
    assert inbound.status == MailStatus.IGNORED and mail.outbox == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-generated"},
        {"Auto_Submitted": "auto-notified; owner-email=x@example.com"},
        {"Precedence": "bulk"},
        {"Precedence": "list"},
        {"Precedence": "junk"},
    ],
    ids=["auto-generated", "auto-notified", "bulk", "list", "junk"],
)
def test_automatic_mail_opens_an_incident_without_acknowledging_it(receive, caller, headers):
    inbound = receive(build(subject="Disk 90% full on db1", **headers))
    incident = Incident.objects.get()
    assert (inbound.status, inbound.outcome, inbound.replied) == (
        MailStatus.PROCESSED,
        Outcome.CREATED,
        False,
    )
    assert "Not acknowledged" in inbound.reason
    assert incident.caller == caller
    assert sent_to("carl@example.com") == []


def test_auto_submitted_no_is_a_person(receive, caller):
    inbound = receive(build(Auto_Submitted="no"))
    assert inbound.replied is True
    assert len(sent_to("carl@example.com")) == 1


@pytest.mark.parametrize(
    "raw",
    [
        DSN,
        build(frm="MAILER-DAEMON@mx.example.net", subject="Returned mail"),
        build(frm="carl@example.com", subject="Returned mail", Return_Path="<>"),
    ],
    ids=["dsn", "mailer-daemon", "empty-return-path"],
)
def test_a_bounce_opens_nothing_makes_no_account_and_gets_nothing(receive, caller, raw):
    inbound = receive(raw)
    assert inbound.status == MailStatus.IGNORED
    assert "bounce" in inbound.reason
    assert not Incident.objects.exists()
    assert list(User.objects.values_list("username", flat=True)) == ["carl"]
    assert mail.outbox == []


def test_a_bounce_of_an_incidents_mail_is_a_work_note_for_the_desk(receive, incident):
    mail.outbox = []
    raw = build(frm="MAILER-DAEMON@mx.example.net", subject=f"Undeliverable: [{incident.number}]")
    inbound = receive(raw)
    assert (inbound.status, inbound.outcome) == (MailStatus.PROCESSED, Outcome.WORK_NOTE)
    note = incident.timeline.get(kind=TimelineKind.WORK_NOTE)
    assert note.body.startswith("From mailer-daemon@mx.example.net (a bounce")
    assert sent_to("carl@example.com") == []


def test_the_callers_auto_reply_to_an_incident_is_no_comment(receive, incident):
    receive(build(subject=f"Out of office: [{incident.number}]", Auto_Submitted="auto-replied"))
    assert not incident.timeline.filter(kind=TimelineKind.COMMENT).exists()
    assert incident.timeline.filter(kind=TimelineKind.WORK_NOTE).count() == 1


@pytest.mark.parametrize(
    "frm",
    ["servicedesk@example.com", "Desk <DESK@example.com>", "desk+INC0000001@example.com"],
)
def test_our_own_mail_is_ignored_entirely(receive, caller, frm):
    inbound = receive(build(frm=frm, subject="[INC0000001] Printer jammed: logged"))
    assert inbound.status == MailStatus.IGNORED
    assert "our own address" in inbound.reason
    assert not Incident.objects.exists()
    assert mail.outbox == []


def test_a_refused_unknown_robot_gets_no_polite_answer(receive, settings):
    settings.MAIL_UNKNOWN_SENDERS = "refuse"
    inbound = receive(build(frm="cron@build.example.org", Auto_Submitted="auto-generated"))
    assert (inbound.status, inbound.replied) == (MailStatus.REJECTED, False)
    assert "not answered" in inbound.reason
    assert mail.outbox == []
