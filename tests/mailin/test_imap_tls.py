"""The poller over TLS (imaps://) and STARTTLS (imap+starttls://), against dovecot with a
certificate made for the test: the mail server's certificate is checked (against
``MAIL_IMAP_CA_FILE``), and a server the desk cannot verify gets neither the password nor
the mail."""

import ssl

import pytest

from mailin.imap import Mailbox, mailbox_poll
from mailin.models import InboundMail
from tests.mailin.dovecot import Dovecot, make_mail

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme", ["imaps", "imap+starttls"])
def test_the_poller_reads_the_mailbox_over_tls(dovecot: Dovecot, settings, scheme: str) -> None:
    settings.MAIL_IMAP_URL = dovecot.url(scheme=scheme)
    settings.MAIL_IMAP_CA_FILE = str(dovecot.ca_file)
    dovecot.append(make_mail(subject="Over TLS", message_id="<tls@client.example>"))

    assert mailbox_poll(Mailbox.from_settings()).received == 1
    assert InboundMail.objects.get().message_id == "<tls@client.example>"
    assert "TLS" in dovecot.log().split("user=<desk>")[-1].splitlines()[0]


@pytest.mark.parametrize("scheme", ["imaps", "imap+starttls"])
def test_a_server_whose_certificate_fails_is_not_read(
    dovecot: Dovecot, settings, scheme: str
) -> None:
    settings.MAIL_IMAP_URL = dovecot.url(scheme=scheme)
    settings.MAIL_IMAP_CA_FILE = ""  # the system's CAs, which never signed this one
    dovecot.append(make_mail(subject="Unread"))

    with pytest.raises(ssl.SSLCertVerificationError):
        mailbox_poll(Mailbox.from_settings())

    assert not InboundMail.objects.exists()
    assert dovecot.count("INBOX") == 1
