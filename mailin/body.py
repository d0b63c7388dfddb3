"""A mail's text and files, read the same way for every route (docs/mail.md, "Text and
quotes").

``read_body`` never raises: mail is written by every program on earth and by people who
want to break ours. What it cannot read it says in ``problems``, in words an agent can
act on, and the caller keeps the original. Its cost is bounded whatever arrives: at most
``MAX_PARTS`` parts and ``MAX_DEPTH`` levels of nesting are walked, at most
``MAX_TEXT_CHARS`` of text and ``MAX_HTML_CHARS`` of HTML are read, and every step it
takes on the text is linear (see ``mailin.html`` and ``mailin.quotes`` for why each
library is called the way it is).
"""

import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import errors
from email.message import EmailMessage, Message
from typing import cast

from incidents.attachments import display_name
from mailin import charsets
from mailin.html import html_to_text
from mailin.quotes import strip_reply

logger = logging.getLogger(__name__)

MAX_DEPTH = 20  # real clients nest 3 or 4 levels; a forwarded forward a few more
MAX_PARTS = 500
MAX_TEXT_CHARS = 1_000_000
MAX_HTML_CHARS = 2_000_000
_TEXT_TYPES = ("text/plain", "text/html")
# C0 controls (but tab and newline) and DEL: PostgreSQL refuses NUL in text, and the
# others only hide or garble what is shown.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")

_DEFECTS: dict[type[errors.MessageDefect], str] = {
    errors.NoBoundaryInMultipartDefect: (
        "The mail says it has several parts but names no boundary between them; "
        "it was read as one text."
    ),
    errors.StartBoundaryNotFoundDefect: (
        "The boundary between the mail's parts never appears; it was read as one text."
    ),
    errors.CloseBoundaryNotFoundDefect: (
        "The mail ends before its last part is closed: it may have been cut short."
    ),
    errors.InvalidBase64PaddingDefect: "A part's base64 encoding is damaged (padding).",
    errors.InvalidBase64CharactersDefect: "A part's base64 encoding has invalid characters.",
    errors.InvalidBase64LengthDefect: "A part's base64 encoding is damaged (length).",
    errors.MissingHeaderBodySeparatorDefect: "A part has malformed header lines.",
    errors.FirstHeaderLineIsContinuationDefect: "A part has malformed header lines.",
    errors.MisplacedEnvelopeHeaderDefect: "A part has malformed header lines.",
    errors.MultipartInvariantViolationDefect: (
        "A part says it has several parts but has none; it was read as text."
    ),
}


@dataclass(frozen=True)
class MailFile:
    name: str
    """Made safe to show (``incidents.attachments.display_name``); never empty."""
    content_type: str
    """What the sender declared; the content is checked where the file is attached."""
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
    subject: str = ""
    """The Subject header decoded (RFC 2047), on one line, without control characters."""


def read_body(message: EmailMessage) -> Body:
    """What ``message`` says, its files and what could not be read. Never raises."""
    reader = _Reader()
    try:
        return reader.read(message)
    except Exception as error:  # the contract: no mail may stop the caller
        logger.exception("read_body failed on a mail")
        reader.problem(
            f"The mail could not be read completely ({type(error).__name__}); the original is kept."
        )
        return Body(text="", full="", files=reader.files, problems=reader.problems)


def _attempt[T](read: Callable[[], T], default: T) -> T:
    """``read()``, or ``default`` when a malformed header makes the parser raise (the
    standard library still has such paths; one bad header must not lose the mail)."""
    try:
        return read()
    except Exception:
        return default


def _is_attachment(part: Message) -> bool:
    return _attempt(lambda: part.get_content_disposition() == "attachment", False)


def _content_type(part: Message) -> str:
    return _attempt(part.get_content_type, "application/octet-stream")


def _children(part: Message) -> list[Message] | None:
    """The parts inside ``part``, or None when it holds content (or a broken container
    the parser kept as text)."""
    payload = part.get_payload() if part.is_multipart() else None
    if not isinstance(payload, list):
        return None
    return [child for child in payload if isinstance(child, Message)]


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def _param(part: Message, name: str) -> str:
    """A Content-Type parameter in lower case, "" when absent or malformed."""
    value = _attempt(lambda: part.get_param(name), None)
    return value.lower() if isinstance(value, str) else ""


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 ``format=flowed`` text (Thunderbird, Apple Mail) with its soft line breaks
    joined, so a paragraph reads as one line and quote markers stay at line starts."""
    lines: list[str] = []
    paragraph: tuple[int, str] | None = None  # quote depth, text so far
    for line in text.replace("\r\n", "\n").split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:].removeprefix(" ")  # the space-stuffing of the sender
        soft = content.endswith(" ") and content != "-- "  # the signature line is never soft
        if soft and delsp:
            content = content[:-1]
        if paragraph is not None and paragraph[0] == depth:
            paragraph = (depth, paragraph[1] + content)
        else:
            if paragraph is not None:
                lines.append(_quoted(*paragraph))
            paragraph = (depth, content)
        if not soft:
            lines.append(_quoted(*paragraph))
            paragraph = None
    if paragraph is not None:
        lines.append(_quoted(*paragraph))
    return "\n".join(lines)


def _quoted(depth: int, content: str) -> str:
    return f"{'>' * depth} {content}" if depth else content


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.files: list[MailFile] = []
        self.texts: dict[int, tuple[str, str | None]] = {}  # by id(part)

    def problem(self, words: str) -> None:
        if words not in self.problems:
            self.problems.append(words)

    def read(self, message: EmailMessage) -> Body:
        subject = self._subject(message)
        leaves = self._leaves(message)
        chosen = self._choose(message, 0)
        texts: list[str] = []
        reply: str | None = None
        if chosen is not None:
            full, reply = self._text_of(chosen)
            texts.append(full)
        for part, _depth, alternative in leaves:
            if part is chosen:
                continue
            if self._is_body_text(part):
                if not alternative:  # an alternative of the chosen body says it again
                    texts.append(self._text_of(part)[0])
                continue
            self._add_file(part)
        # After the payloads were decoded: decoding is what finds bad base64.
        for part in (message, *(leaf for leaf, _depth, _alternative in leaves)):
            self._note_defects(part)
        full = "\n\n".join(text for text in texts if text.strip()).strip()
        if reply is None or len(texts) > 1:
            reply = full
        text = strip_reply(reply) if reply.strip() else ""
        if not full:
            self.problem("The mail has no text, only attachments (or nothing at all).")
        return Body(
            text=text or full,
            full=full,
            files=self.files,
            problems=self.problems,
            subject=subject,
        )

    def _subject(self, message: Message) -> str:
        header = _attempt(lambda: message.get("Subject"), None)
        if header is None:
            return ""
        subject = _SPACES.sub(" ", _clean(str(header))).strip()
        if getattr(header, "defects", ()) or "\ufffd" in subject:
            self.problem("The subject is not correctly encoded; some characters may be wrong.")
        return subject

    def _leaves(self, message: Message) -> list[tuple[Message, int, bool]]:
        """Every part that is not a container, in order, with its depth and whether it
        sits in a multipart/alternative. Iterative and bounded: a mail nested 10,000
        levels deep costs MAX_PARTS steps, not a RecursionError."""
        leaves: list[tuple[Message, int, bool]] = []
        stack: list[tuple[Message, int, bool]] = [(message, 0, False)]
        seen = 0
        while stack:
            part, depth, alternative = stack.pop()
            seen += 1
            if seen > MAX_PARTS:
                self.problem(f"The mail has more than {MAX_PARTS} parts; the rest were not read.")
                break
            children = _children(part)
            if children is None or _content_type(part).startswith("message/"):
                leaves.append((part, depth, alternative))
                continue
            if depth >= MAX_DEPTH:
                self.problem(
                    f"The mail's parts are nested more than {MAX_DEPTH} levels deep; "
                    "the deeper ones were not read."
                )
                continue
            inside = alternative or part.get_content_subtype() == "alternative"
            stack.extend((child, depth + 1, inside) for child in reversed(children))
        return leaves

    def _note_defects(self, part: Message) -> None:
        for defect in getattr(part, "defects", ()):
            words = _DEFECTS.get(type(defect))
            if words is None:
                name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(defect).__name__).lower()
                words = f"The mail's structure has a defect ({name})."
            self.problem(words)

    def _is_body_text(self, part: Message) -> bool:
        """A text part that is part of the message, not a file: no name, not attached.
        A multipart whose boundary is missing is read as text too."""
        if _is_attachment(part) or _attempt(part.get_filename, None):
            return False
        kind = _content_type(part)
        return kind in _TEXT_TYPES or (kind.startswith("multipart/") and not part.is_multipart())

    def _choose(self, part: Message, depth: int) -> Message | None:
        """The part that holds what the sender wrote: plain text where a client offers
        it (an empty one does not count), else HTML. Follows RFC 2046's containers as
        ``EmailMessage.get_body`` does, but bounded by MAX_DEPTH."""
        if depth > MAX_DEPTH or _is_attachment(part):
            return None
        kind = _content_type(part)
        if kind.startswith("message/"):
            return None  # a forwarded mail is a file; its text is not the sender's
        children = _children(part)
        if children is None:
            return part if self._is_body_text(part) else None
        subtype = part.get_content_subtype()
        if subtype == "related":
            start = _attempt(lambda: part.get_param("start"), None)
            first = next(
                (child for child in children if start and child.get("Content-ID") == start),
                children[0] if children else None,
            )
            return self._choose(first, depth + 1) if first is not None else None
        found = (self._choose(child, depth + 1) for child in children)
        if subtype != "alternative":
            return next((choice for choice in found if choice is not None), None)
        options = [choice for choice in found if choice is not None]
        plain = [
            choice
            for choice in options
            if _content_type(choice) != "text/html" and self._text_of(choice)[0].strip()
        ]
        html = [option for option in options if _content_type(option) == "text/html"]
        return next(iter(plain or html or options), None)

    def _text_of(self, part: Message) -> tuple[str, str | None]:
        """The part as text, and for HTML the text above its quoted history (None when
        it marks none). Cached: choosing among alternatives reads parts twice."""
        if id(part) not in self.texts:
            self.texts[id(part)] = self._decode_text(part)
        return self.texts[id(part)]

    def _decode_text(self, part: Message) -> tuple[str, str | None]:
        kind = _content_type(part)
        what = "The HTML part" if kind == "text/html" else "The text part"
        data = self._payload(part)
        limit = MAX_HTML_CHARS if kind == "text/html" else MAX_TEXT_CHARS
        if len(data) > limit * 4:  # no charset takes more than four bytes a character
            data = data[: limit * 4]
        charset = _attempt(part.get_content_charset, None)
        decoded = charsets.decode(data, charset, what=what)
        if decoded.problem:
            self.problem(decoded.problem)
        text = decoded.text
        if len(text) > limit:
            text = text[:limit]
            self.problem(
                f"{what} is longer than {limit:,} characters; only its beginning was read "
                "(the whole mail is kept)."
            )
        if kind != "text/html":
            if _param(part, "format") == "flowed":
                text = _unflow(text, delsp=_param(part, "delsp") == "yes")
            return _clean(text), None
        html = html_to_text(text)
        if html.problem:
            self.problem(html.problem)
        return _clean(html.full), None if html.reply is None else _clean(html.reply)

    def _payload(self, part: Message) -> bytes:
        data = _attempt(lambda: part.get_payload(decode=True), None)
        if isinstance(data, bytes):
            return data
        raw = _attempt(lambda: cast(object, part.get_payload()), cast(object, ""))
        if isinstance(raw, str):
            return raw.encode("utf-8", "surrogateescape")
        return b""

    def _add_file(self, part: Message) -> None:
        kind = _content_type(part)
        index = len(self.files) + 1
        if kind == "message/rfc822":
            inner = _children(part)
            forwarded = inner[0] if inner else None
            data = _attempt(lambda: forwarded.as_bytes() if forwarded else b"", b"")
            subject = _attempt(lambda: str(forwarded.get("Subject", "")), "") if forwarded else ""
            name = f"{subject or f'forwarded-{index}'}.eml"
        else:
            data = (
                _attempt(part.as_bytes, b"") if kind.startswith("message/") else self._payload(part)
            )
            name = _attempt(part.get_filename, None) or ""
            if not name:
                extension = mimetypes.guess_extension(kind, strict=False) or ".bin"
                name = f"attachment-{index}{extension}"
        self.files.append(MailFile(name=display_name(_clean(name)), content_type=kind, data=data))
