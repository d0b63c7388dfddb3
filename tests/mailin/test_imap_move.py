"""How the poller moves a message out of the inbox: ``MOVE`` where the server has it,
else copy, flag and expunge only that message (``UID EXPUNGE``), or, on a server without
either, copy and expunge. Whichever, a message a person flagged deleted in the inbox is
neither taken nor removed by the poller when the server lets it tell them apart."""

import pytest

from mailin.imap import Mailbox, mailbox_poll
from mailin.models import InboundMail
from tests.mailin.dovecot import make_mail, running_dovecot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("capabilities", "keeps_flagged"),
    [
        ("", True),  # dovecot's own: MOVE and UIDPLUS
        ("IMAP4rev1 LITERAL+ UIDPLUS", True),
        ("IMAP4rev1 LITERAL+", False),  # a plain EXPUNGE: the flagged one goes too
    ],
)
def test_the_poller_moves_what_it_took_and_only_that(
    settings, capabilities: str, keeps_flagged: bool
) -> None:
    with running_dovecot(capabilities) as dovecot:
        settings.MAIL_IMAP_URL = dovecot.url()
        dovecot.append(make_mail(subject="Thrown away", message_id="<bin@client.example>"))
        with dovecot.client() as box:
            # A person's, not yet expunged (imap-tools' flag() would expunge at once).
            box.client.uid("STORE", box.uids("ALL")[0], "+FLAGS", r"(\Deleted)")
        new = [f"<new-{n}@client.example>" for n in range(3)]
        dovecot.append(*(make_mail(subject="New", message_id=mid) for mid in new))

        poll = mailbox_poll(Mailbox.from_settings())

        assert (poll.received, poll.left) == (3, 0)
        assert sorted(InboundMail.objects.values_list("message_id", flat=True)) == new
        assert sorted(dovecot.message_ids("Processed")) == new
        left = ["<bin@client.example>"] if keeps_flagged else []
        assert dovecot.message_ids("INBOX") == left
