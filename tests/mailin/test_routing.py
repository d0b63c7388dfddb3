"""What a mail to the desk becomes: a new incident (acknowledged to its sender), or, when
it answers one, the caller's or an agent's comment or anyone else's work note."""

from email import message_from_bytes, policy

import pytest
from django.core import mail

from accounts.models import User
from catalog.models import Service, Team
from incidents.models import HoldReason, Incident, Source, Status
from incidents.workflow import incident_add_note, incident_hold
from kernel.enums import TimelineKind
from mailin.models import DeskAddress, MailStatus, Outcome
from notifications.enums import Channel
from notifications.models import Notification
from tests.mailin.mails import build, sent_to

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def comments(incident: Incident) -> list[str]:
    entries = incident.timeline.filter(kind=TimelineKind.COMMENT).order_by("pk")
    return [entry.body for entry in entries]


def work_notes(incident: Incident) -> list[str]:
    entries = incident.timeline.filter(kind=TimelineKind.WORK_NOTE).order_by("pk")
    return [entry.body for entry in entries]


def test_a_mail_to_the_desk_opens_an_incident_and_tells_the_sender_its_number(receive, caller):
    inbound = receive(build(subject="Printer on floor 3 is jammed", body="PC LOAD LETTER"))

    incident = Incident.objects.get()
    assert (incident.title, incident.source, incident.caller) == (
        "Printer on floor 3 is jammed",
        Source.EMAIL,
        caller,
    )
    assert incident.description == "PC LOAD LETTER"
    assert (inbound.status, inbound.outcome, inbound.incident, inbound.replied) == (
        MailStatus.PROCESSED,
        Outcome.CREATED,
        incident,
        True,
    )
    # The acknowledgement: its number, a Reply-To that threads back, and marked automatic
    # so that the sender's auto-responder does not answer it.
    [ack] = sent_to("carl@example.com")
    assert ack.subject == f"[{incident.number}] Printer on floor 3 is jammed: logged"
    assert ack.reply_to == [f"desk+{incident.number}@example.com"]
    sent = message_from_bytes(ack.message().as_bytes(), policy=policy.default)
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["X-Auto-Response-Suppress"] == "All"
    # The mail as it came, for agents only.
    [original] = incident.attachments.all()
    assert (original.name, original.internal) == ("original.eml", True)
    assert b"PC LOAD LETTER" in original.file.read()


def test_a_reply_to_the_plus_address_is_the_callers_comment(receive, incident, caller):
    inbound = receive(
        build(to=f"Desk <desk+{incident.number}@example.com>", subject="Any news?", body="Still")
    )
    assert (inbound.outcome, inbound.incident) == (Outcome.COMMENT, incident)
    assert "plus-address" in inbound.reason
    assert comments(incident) == ["Still"]
    assert incident.timeline.get(kind=TimelineKind.COMMENT).author == caller
    assert Incident.objects.count() == 1


def test_a_reply_to_one_of_our_notifications_threads_by_references(receive, incident, caller):
    ours = Notification.objects.get(recipient=caller, channel=Channel.EMAIL)
    mid = f"<{ours.message_id}@example.com>"
    inbound = receive(build(subject="A new subject", body="Also the scanner", References=mid))
    assert (inbound.outcome, inbound.incident) == (Outcome.COMMENT, incident)
    assert "References" in inbound.reason
    assert comments(incident) == ["Also the scanner"]


def test_a_reply_to_the_callers_own_first_mail_threads_to_its_incident(receive, caller):
    first = build(subject="VPN drops", message_id="<first@client.example.net>")
    receive(first)
    reply = build(subject="VPN drops again", In_Reply_To="<first@client.example.net>")
    inbound = receive(reply)
    incident = Incident.objects.get()
    assert (inbound.outcome, inbound.incident) == (Outcome.COMMENT, incident)


def test_a_subject_tag_threads_when_nothing_else_does(receive, incident):
    inbound = receive(build(subject=f"RE: [{incident.number}] Cannot send email", body="Thanks"))
    assert (inbound.outcome, inbound.incident) == (Outcome.COMMENT, incident)
    assert "subject tag" in inbound.reason
    assert Incident.objects.count() == 1


def test_an_agents_reply_is_their_comment_and_the_caller_hears_of_it(receive, incident, agent):
    mail.outbox = []
    receive(build(frm="ALICE@example.com", subject=f"[{incident.number}] x", body="Try again"))
    entry = incident.timeline.get(kind=TimelineKind.COMMENT)
    assert (entry.author, entry.body) == (agent, "Try again")
    [told] = sent_to("carl@example.com")
    assert "Try again" in told.body


def test_a_strangers_reply_is_a_work_note_the_caller_never_sees(receive, incident, stranger):
    mail.outbox = []
    inbound = receive(build(frm="steve@example.com", subject=f"[{incident.number}] me too"))
    assert inbound.outcome == Outcome.WORK_NOTE
    assert comments(incident) == []
    [note] = incident.timeline.filter(kind=TimelineKind.WORK_NOTE)
    assert note.author is None
    assert note.body.startswith("From steve@example.com:")
    assert not note.is_public
    assert sent_to("carl@example.com") == []
    # Nor its original: the caller's page lists no internal file.
    assert list(incident.attachments.filter(internal=False)) == []


def test_an_unknown_senders_reply_is_a_work_note_and_makes_no_account(receive, incident):
    inbound = receive(build(frm="x@elsewhere.org", subject=f"[{incident.number}] hi"))
    assert inbound.outcome == Outcome.WORK_NOTE
    assert not User.objects.filter(email="x@elsewhere.org").exists()


def test_the_callers_reply_resumes_an_incident_awaiting_the_caller(receive, incident, agent):
    incident_hold(incident, by=agent, hold_reason=HoldReason.AWAITING_CALLER, note="Which one?")
    receive(build(subject=f"[{incident.number}] Re: which printer", body="The one on floor 3"))
    incident.refresh_from_db()
    assert (incident.status, incident.hold_reason) == (Status.IN_PROGRESS, "")


def test_a_reply_to_a_closed_incident_opens_a_linked_one(receive, incident_in, caller):
    old = incident_in(Status.CLOSED)
    mail.outbox = []
    inbound = receive(build(subject=f"Re: [{old.number}] Cannot send email", body="Again!"))

    new = Incident.objects.exclude(pk=old.pk).get()
    assert (inbound.outcome, inbound.incident) == (Outcome.FOLLOW_UP, new)
    assert new.title == "Cannot send email"
    assert f"follows up {old.number}, which is closed" in new.description
    assert new.description.endswith("Again!")
    [ack] = sent_to("carl@example.com")
    assert ack.subject.startswith(f"[{new.number}]")
    assert f"follows up {old.number}" in ack.body
    old.refresh_from_db()
    assert old.status == Status.CLOSED and comments(old) == []


def test_an_unknown_sender_gets_an_account_without_a_password(receive):
    inbound = receive(build(frm="Dana Scully <Dana@Elsewhere.org>"))
    dana = User.objects.get(email__iexact="dana@elsewhere.org")
    assert (dana.first_name, dana.last_name, dana.is_staff) == ("Dana", "Scully", False)
    assert not dana.has_usable_password()
    assert Incident.objects.get().caller == dana
    assert inbound.sender == dana
    assert len(sent_to(dana.email)) == 1


def test_refusing_unknown_senders_answers_them_politely(receive, settings):
    settings.MAIL_UNKNOWN_SENDERS = "refuse"
    inbound = receive(build(frm="dana@elsewhere.org", subject="Help"))
    assert (inbound.status, inbound.replied) == (MailStatus.REJECTED, True)
    assert "Unknown sender" in inbound.reason
    assert not Incident.objects.exists()
    assert not User.objects.filter(email="dana@elsewhere.org").exists()
    [reply] = sent_to("dana@elsewhere.org")
    assert "nothing was recorded" in reply.body
    sent = message_from_bytes(reply.message().as_bytes(), policy=policy.default)
    assert sent["Auto-Submitted"] == "auto-generated"


def test_a_desk_address_routes_to_its_service_and_group(receive, caller, service: Service):
    network = Team.objects.create(name="Network")
    DeskAddress.objects.create(
        address="network@example.com", service=service, assignment_group=network
    )
    receive(build(to="Network <Network@example.com>"))
    incident = Incident.objects.get()
    assert (incident.service, incident.assignment_group) == (service, network)
    # Our own address: a reply to its plus-address threads too.
    inbound = receive(build(to=f"network+{incident.number}@example.com", subject="more"))
    assert inbound.incident == incident and inbound.outcome == Outcome.COMMENT


def test_files_go_through_the_portals_checks(receive, caller):
    files = (
        ("screen.png", "image/png", PNG),
        ("tool.exe", "application/octet-stream", b"MZ\x90\x00"),
        ("fake.png", "image/png", b"not a picture"),
    )
    inbound = receive(build(files=files))
    incident = Incident.objects.get()
    shown = incident.attachments.filter(internal=False)
    assert [item.name for item in shown] == ["screen.png"]
    assert "tool.exe: .exe files are not accepted" in inbound.reason
    assert "fake.png was refused" in inbound.reason
    assert incident.attachments.filter(internal=True, name="original.eml").count() == 1


def test_a_very_long_mail_is_cut_and_kept_whole(receive, caller):
    long = "All work and no play makes Jack a dull boy. " * 3000  # 132,000 characters
    inbound = receive(build(body=long))
    incident = Incident.objects.get()
    assert inbound.status == MailStatus.PROCESSED
    assert len(incident.description) <= 50_000
    assert incident.description.endswith("[Cut here: the whole mail is in original.eml.]")
    reply = receive(build(subject=f"[{incident.number}] again", body=long))
    assert reply.outcome == Outcome.COMMENT
    assert len(comments(incident)[0]) <= 50_000


def test_an_agents_answer_to_a_work_note_stays_a_work_note(receive, incident, agent, other_agent):
    incident_add_note(incident, by=other_agent, body="Vendor says firmware bug", internal=True)
    told = Notification.objects.get(recipient=agent, channel=Channel.EMAIL, kind="work_note")
    mail.outbox = []
    inbound = receive(
        build(
            frm="alice@example.com",
            to=f"desk+{incident.number}@example.com",
            subject=f"Re: [{incident.number}] Cannot send email: work note from Bob",
            body="Then we wait for their patch",
            In_Reply_To=f"<{told.message_id}@example.com>",
        )
    )
    assert inbound.outcome == Outcome.WORK_NOTE
    assert comments(incident) == []
    assert work_notes(incident)[-1] == "Then we wait for their patch"
    assert incident.timeline.filter(kind=TimelineKind.WORK_NOTE).last().author == agent
    assert sent_to("carl@example.com") == []
