"""Mail as a sender's client writes it (the standard library's ``email`` package), and
what we sent back, read from Django's outbox."""

from email.message import EmailMessage
from email.utils import make_msgid

from django.core import mail

DESK = "desk@example.com"


def build(
    *,
    frm: str = "carl@example.com",
    to: str = DESK,
    subject: str = "Printer on floor 3 is jammed",
    body: str = "It says PC LOAD LETTER.",
    message_id: str | None = "",
    files: tuple[tuple[str, str, bytes], ...] = (),
    **headers: str,
) -> bytes:
    """One mail's bytes. ``message_id=None`` leaves the header out; ``headers`` use
    underscores for dashes (``In_Reply_To``)."""
    message = EmailMessage()
    message["From"] = frm
    message["To"] = to
    message["Subject"] = subject
    if message_id is not None:
        message["Message-ID"] = message_id or make_msgid(domain="client.example.net")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    for name, content_type, data in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]
