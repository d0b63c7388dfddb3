"""Must-show 1, the hard half: ``manage.py fetch_mail`` run as its own process against the
test database and a real dovecot, killed (SIGKILL) in the middle of a batch, then run
again: every mail is stored exactly once, each became exactly one incident, and the
mailbox ends with all of them in the processed folder."""

import subprocess
import sys
from pathlib import Path

import pytest

from incidents.models import Incident, Source
from mailin.models import InboundMail
from tests.mailin.dovecot import Dovecot, make_mail
from tests.notifications.harness import ROOT, spawn, wait_until, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

MAILS = 200
SENDERS = 20  # ten new reports each: under the default rate limit per sender


def test_a_poller_killed_mid_batch_loses_nothing_and_doubles_nothing(
    dovecot: Dovecot, database_url: str, tmp_path: Path
) -> None:
    dovecot.append(
        *(
            make_mail(
                subject=f"Report {n}",
                sender=f"reporter{n % SENDERS}@example.com",
                message_id=f"<kill-{n}@client.example>",
            )
            for n in range(MAILS)
        )
    )
    env = worker_env(
        database_url,
        # No broker: the acknowledgements are sent in the process, into files under
        # tmp_path, not left queued for another test's worker.
        "",
        tmp_path / "mail",
        MAIL_IMAP_URL=dovecot.url(),
        MAIL_IMAP_BATCH="10",
        NOTIFICATIONS_REPLY_TO="desk@example.com",
    )
    poller = spawn(
        [sys.executable, "manage.py", "fetch_mail"], env=env, log=tmp_path / "poller.log"
    )
    started = wait_until(lambda: InboundMail.objects.count() >= 25, timeout=120, interval=0.02)
    poller.kill()  # SIGKILL, between any two statements
    assert started, poller.output()

    everyone = sorted(f"<kill-{n}@client.example>" for n in range(MAILS))
    stored = set(InboundMail.objects.values_list("message_id", flat=True))
    inbox, processed = dovecot.message_ids("INBOX"), dovecot.message_ids("Processed")
    assert len(stored) < MAILS, "the poller finished before it was killed"
    # Nothing left the mailbox; nothing was moved before its row committed. (Were the
    # poller killed inside a move, the message could be in both folders for a while; the
    # next poll would only move it again.)
    assert sorted(set(inbox) | set(processed)) == everyone
    assert set(processed) <= stored

    again = subprocess.run(
        [sys.executable, "manage.py", "fetch_mail"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert dovecot.count("INBOX") == 0
    assert sorted(set(dovecot.message_ids("Processed"))) == everyone
    assert sorted(InboundMail.objects.values_list("message_id", flat=True)) == everyone
    # One incident per mail, none twice (the killed poller's last mail included).
    incidents = Incident.objects.filter(source=Source.EMAIL)
    assert incidents.count() == MAILS
    assert sorted(incidents.values_list("title", flat=True)) == sorted(
        f"Report {n}" for n in range(MAILS)
    )
