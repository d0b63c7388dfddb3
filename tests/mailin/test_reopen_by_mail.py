"""The caller's reply by mail to a resolved incident rejects the fix: a comment, and the
incident reopened through the same move as the portal's "still broken" (reopen count,
history row, timeline event, the usual notices). Nobody else's mail reopens anything."""

import threading
import time

import pytest
from django.core import mail
from django.db import connections, transaction

from accounts.models import ReportingGrant, User
from incidents.models import Incident, Status
from incidents.workflow import incident_move
from kernel.enums import TimelineKind
from kernel.notices import Recipient, personal_link
from mailin.imap import Mailbox, mailbox_poll
from mailin.models import MailStatus, Outcome, Via
from mailin.receive import mail_receive
from notifications.models import Notification
from tests.mailin.dovecot import Dovecot, make_mail
from tests.mailin.mails import build, sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(incident_in) -> Incident:
    incident = incident_in(Status.RESOLVED)
    mail.outbox = []
    return incident


def reply(incident: Incident, *, frm: str = "carl@example.com", body: str, **headers: str) -> bytes:
    return build(
        frm=frm,
        to=f"Desk <desk+{incident.number}@example.com>",
        subject=f"Re: [{incident.number}] {incident.title}: resolved",
        body=body,
        **headers,
    )


def assert_reopened_by(incident: Incident, user: User, reason: str) -> None:
    incident.refresh_from_db()
    assert (incident.status, incident.reopen_count) == (Status.IN_PROGRESS, 1)
    assert (incident.resolved_at, incident.resolution_code) == (None, "")
    event = incident.timeline.get(verb="reopen")
    assert (event.author, event.body) == (user, reason)
    assert (event.data["from"], event.data["to"]) == (Status.RESOLVED, Status.IN_PROGRESS)
    row = incident.history.first()
    assert (row.status, row.history_user, row.history_change_reason) == (
        Status.IN_PROGRESS,
        user,
        reason,
    )


def assert_not_reopened(incident: Incident) -> None:
    incident.refresh_from_db()
    assert (incident.status, incident.reopen_count) == (Status.RESOLVED, 0)
    assert not incident.timeline.filter(verb="reopen").exists()


def test_the_callers_reply_is_a_comment_and_reopens_the_incident(
    receive, resolved: Incident, caller: User, agent: User
) -> None:
    inbound = receive(reply(resolved, body="Still no mail since 10:00."))

    assert (inbound.status, inbound.outcome, inbound.incident) == (
        MailStatus.PROCESSED,
        Outcome.COMMENT,
        resolved,
    )
    assert f"Reopened {resolved.number}" in inbound.reason
    comment = resolved.timeline.get(kind=TimelineKind.COMMENT)
    assert (comment.author, comment.body) == (caller, "Still no mail since 10:00.")
    assert_reopened_by(resolved, caller, "Reopened by a reply by mail from the caller.")
    # The reopen's own notices, as from the portal: the assignee hears of it; the caller,
    # who did it, hears nothing back.
    assert [m.subject for m in sent_to(agent.email)] == [
        f"[{resolved.number}] Cannot send email: comment from Carl",
        f"[{resolved.number}] Cannot send email: reopened",
    ]
    assert sent_to("carl@example.com") == []


def test_a_bare_thanks_reopens_it_too(receive, resolved: Incident, caller: User) -> None:
    # docs/mail.md: any reply of the caller's reopens, as in Zendesk, Freshdesk and JSM's
    # default rule; reading "thanks" out of free text would also read "thanks, but...".
    receive(reply(resolved, body="Thanks, works now!"))

    assert_reopened_by(resolved, caller, "Reopened by a reply by mail from the caller.")


def test_a_delegates_reply_reopens_it_and_the_caller_hears_of_it(
    receive, resolved: Incident, caller: User, manager: User
) -> None:
    dora = User.objects.create_user("dora", email="dora@example.com", first_name="Dora")
    ReportingGrant.objects.create(reporter=dora, on_behalf_of=caller, granted_by=manager)

    receive(reply(resolved, frm="dora@example.com", body="Carl says it is still broken."))

    assert_reopened_by(resolved, dora, "Reopened by a reply by mail from Dora, for the caller.")
    # The comment and the reopen, each as if Dora had used the portal.
    assert [m.subject for m in sent_to("carl@example.com")] == [
        f"[{resolved.number}] Cannot send email: comment from Dora",
        f"[{resolved.number}] Cannot send email: reopened",
    ]


@pytest.mark.parametrize(
    ("frm", "headers", "outcome"),
    [
        pytest.param("alice@example.com", {}, Outcome.COMMENT, id="an agent"),
        pytest.param("steve@example.com", {}, Outcome.WORK_NOTE, id="a stranger"),
        pytest.param(
            "carl@example.com",
            {"Auto_Submitted": "auto-replied"},
            Outcome.WORK_NOTE,
            id="an auto-reply",
        ),
        pytest.param(
            "carl@example.com",
            {"Auto_Submitted": "auto-generated"},
            Outcome.COMMENT,
            id="the callers automatic mail",
        ),
        pytest.param(
            "carl@example.com", {"Precedence": "bulk"}, Outcome.COMMENT, id="the callers bulk mail"
        ),
    ],
)
def test_nobody_elses_mail_and_no_automatic_mail_reopens_it(
    receive, resolved: Incident, stranger: User, frm: str, headers: dict[str, str], outcome: str
) -> None:
    inbound = receive(reply(resolved, frm=frm, body="Noted.", **headers))

    assert (inbound.outcome, inbound.incident) == (outcome, resolved)
    assert "Reopened" not in inbound.reason
    assert_not_reopened(resolved)


def test_a_reply_to_a_closed_incident_leaves_it_closed(receive, incident_in) -> None:
    closed = incident_in(Status.CLOSED)

    inbound = receive(reply(closed, body="It is back."))

    assert inbound.outcome == Outcome.FOLLOW_UP and inbound.incident != closed
    closed.refresh_from_db()
    assert (closed.status, closed.reopen_count) == (Status.CLOSED, 0)


def test_a_reply_after_an_agent_reopened_it_is_a_comment_and_counts_no_second_reopen(
    receive, resolved: Incident, agent: User
) -> None:
    incident_move(resolved, "reopen", by=agent, reason="Saw it myself")

    inbound = receive(reply(resolved, body="Still broken."))

    resolved.refresh_from_db()
    assert (resolved.status, resolved.reopen_count) == (Status.IN_PROGRESS, 1)
    assert inbound.outcome == Outcome.COMMENT and "Reopened" not in inbound.reason


@pytest.mark.django_db(transaction=True)
def test_a_reply_arriving_as_an_agent_closes_the_incident_opens_a_follow_up(
    resolved: Incident, agent: User
) -> None:
    """The agent's close commits while the mail is being processed (two connections): the
    reply is not lost to a failure, it opens a follow-up as it would a second later."""
    closing = threading.Event()

    def close() -> None:
        try:
            with transaction.atomic():
                Incident.objects.select_for_update().get(pk=resolved.pk)
                closing.set()
                time.sleep(1)  # the mail comes in meanwhile
                incident_move(resolved, "close", by=agent)
        finally:
            connections.close_all()

    agent_closes = threading.Thread(target=close)
    agent_closes.start()
    try:
        assert closing.wait(10)
        inbound = mail_receive(reply(resolved, body="Still broken."), via=Via.IMAP)
    finally:
        agent_closes.join(20)

    assert (inbound.status, inbound.outcome) == (MailStatus.PROCESSED, Outcome.FOLLOW_UP)
    assert inbound.incident is not None and inbound.incident != resolved
    assert inbound.incident.description.startswith(f"This follows up {resolved.number}")
    resolved.refresh_from_db()
    assert (resolved.status, resolved.reopen_count) == (Status.CLOSED, 0)


def test_a_reply_polled_from_the_mailbox_reopens_it(
    dovecot: Dovecot, settings, resolved: Incident, caller: User
) -> None:
    settings.MAIL_IMAP_URL = dovecot.url()
    dovecot.append(
        make_mail(
            subject=f"Re: [{resolved.number}] Cannot send email: resolved",
            body="Still broken, sorry.\n",
            to=f"desk+{resolved.number}@example.com",
        )
    )

    assert mailbox_poll(Mailbox.from_settings()).received == 1

    assert_reopened_by(resolved, caller, "Reopened by a reply by mail from the caller.")
    assert resolved.timeline.get(kind=TimelineKind.COMMENT).body == "Still broken, sorry."


def test_the_callers_resolved_mail_says_a_reply_reopens_it_and_nobody_elses_does(
    incident_in, agent: User, django_capture_on_commit_callbacks
) -> None:
    """The caller learns from the "resolved" mail itself that replying reopens the
    incident (the thank-you reply would otherwise surprise them); the assignee's copy of
    the same event says nothing of it: their reply is a comment and reopens nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_in(Status.RESOLVED)
    caller_mail = [m for m in mail.outbox if "carl@example.com" in m.to and "resolved" in m.subject]
    assert len(caller_mail) == 1, [(m.to, m.subject) for m in mail.outbox]
    text = caller_mail[0].body
    assert "Still not working? Reply to this email and the incident reopens" in text
    assert f"/portal/incidents/{incident.number}/" in text or incident.portal_path() in text
    # Anyone else the same event reaches (an agent watching it, say) gets no such line.
    sent = Notification.objects.get(
        recipient__email="carl@example.com", channel="email", subject__endswith=": resolved"
    )
    assert personal_link(sent.kind, sent.payload, Recipient(user_id=agent.pk)) is None
    # Once it is closed (or reopened), the caller's mail no longer says so either.
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    assert personal_link(sent.kind, sent.payload, sent.addressed_to) is None
