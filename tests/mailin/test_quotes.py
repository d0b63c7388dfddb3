"""Quoted history and signatures are cut from replies written by the common clients
(tests/mailin/corpus/replies: Gmail, Outlook desktop and web, Apple Mail, Thunderbird, in
English, German and French): the agent reads what the sender wrote, nothing else."""

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailin.body import read_body
from mailin.quotes import below_reply, strip_reply

REPLIES = Path(__file__).parent / "corpus" / "replies"
CASES = sorted(path.stem for path in REPLIES.glob("*.eml"))


def _message(name: str) -> EmailMessage:
    raw = (REPLIES / f"{name}.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _expected(name: str) -> str:
    return (REPLIES / f"{name}.expected.txt").read_text(encoding="utf-8").rstrip("\n")


def _html_only(message: EmailMessage) -> EmailMessage:
    """The same mail as a client that sends only HTML would write it."""
    for part in message.walk():
        if part.get_content_type() == "multipart/alternative":
            payload = part.get_payload()
            assert isinstance(payload, list)
            part.set_payload([p for p in payload if p.get_content_type() != "text/plain"])
    return message


def test_the_corpus_covers_each_client_in_two_languages() -> None:
    clients = {name.split("_")[0] for name in CASES}
    assert clients == {"gmail", "outlook", "apple", "thunderbird"}
    assert {"gmail_de", "gmail_fr", "outlook_desktop_de", "outlook_web_fr", "apple_mail_de",
            "thunderbird_de"} <= set(CASES)  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_a_reply_keeps_only_what_the_sender_wrote(name: str) -> None:
    body = read_body(_message(name))

    assert body.text == _expected(name)
    assert body.problems == []
    assert len(body.full) > len(body.text)  # the history is still in the full text


@pytest.mark.parametrize(
    "name",
    [name for name in CASES if "multipart/alternative" in (REPLIES / f"{name}.eml").read_text()],
)
def test_the_html_part_alone_gives_the_same_text(name: str) -> None:
    body = read_body(_html_only(_message(name)))

    assert body.text == _expected(name)
    assert not re.search(r"</?[a-z]+[ >/]|&[a-z]+;", body.full)  # text, never markup


@pytest.mark.parametrize(
    "tagline",
    [
        "Sent from my iPhone",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPad",
        "Get Outlook for Android",
    ],
)
def test_a_phone_tagline_is_cut_in_each_language(tagline: str) -> None:
    raw = (
        "From: m@example.net\r\nSubject: Re: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Geht wieder.\r\n\r\n{tagline}\r\n"
    ).encode()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)

    assert read_body(message).text == "Geht wieder."


@pytest.mark.parametrize(
    "second",
    [
        "Thanks, the printer on floor 3 broke again.",
        "Best, and worst, of all: it smells of smoke.",
        "Regards, the error code from yesterday is back. Can you look?",
    ],
)
def test_a_line_beginning_with_a_sign_off_word_is_not_a_signature(second: str) -> None:
    """The library cuts at any line that begins "Thanks," or "Best,"; a service-desk
    user's report must reach the agent whole, and only a real sign-off is cut."""
    text = f"Hi team,\n{second}\nIt shows error 42.\nPlease send someone.\n\nThanks,\nCarl"
    raw = (
        "From: carl@example.com\r\nSubject: Printer\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text.replace("\n", "\r\n")
    ).encode()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)

    assert read_body(message).text == (
        f"Hi team,\n{second}\nIt shows error 42.\nPlease send someone."
    )


def test_thousands_of_lines_beginning_with_a_sign_off_word_are_read_in_bounded_time() -> None:
    """Each look past such a line searches to the end of the text: a hostile mail full of
    them must not make reading it quadratic (2,000 lines took 4.5 s)."""
    line = "Thanks, this line is a sentence and not a sign-off at all."
    text = "Hello\n" + "\n".join([line] * 3000)

    started = time.monotonic()
    kept = strip_reply(text)

    assert time.monotonic() - started < 1.5
    assert kept == text


@pytest.mark.parametrize("name", CASES)
def test_what_the_reply_cut_is_found_below_it_in_every_clients_mail(name: str) -> None:
    # A reply that opens an incident keeps this below a line (docs/mail.md).
    body = read_body(_message(name))
    rest = below_reply(body.full, body.text)
    assert rest and _expected(name) not in rest
    assert body.full.rstrip().endswith(rest.rstrip()[-30:])


def test_below_a_reply_that_is_not_found_in_its_mail_is_the_whole_mail() -> None:
    full = "Hi,\n\nit  works.\n\n> old text"
    assert below_reply(full, "Hi,\n\nit works.") == full
    assert below_reply("Only this.", "Only this.") == ""
