"""Hostile and broken mail, at the body level: every one is read without an exception, in
bounded time and memory, and what could not be read is said in ``problems``. The small
mails are fixtures (tests/mailin/corpus/hostile); the big and deep ones are made here."""

import email
import email.policy
import time
import tracemalloc
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailin.body import MAX_DEPTH, MAX_HTML_CHARS, MAX_TEXT_CHARS, Body, read_body

HOSTILE = Path(__file__).parent / "corpus" / "hostile"
MB = 1024 * 1024


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _read(name: str) -> Body:
    return read_body(_parse((HOSTILE / f"{name}.eml").read_bytes()))


def _timed(raw: bytes) -> tuple[Body, float, int]:
    """The body, the seconds ``read_body`` took, and the peak memory it used. (Parsing,
    which the caller does, takes about 10 s for 25 MB of short lines on this machine.)"""
    message = _parse(raw)
    started = time.perf_counter()
    body = read_body(message)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        read_body(message)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return body, seconds, peak


def test_a_multipart_without_boundary_is_read_as_one_text() -> None:
    body = _read("missing_boundary")

    assert "The scanner on floor 2 is jammed." in body.text
    assert any("names no boundary" in problem for problem in body.problems)


def test_a_truncated_mail_keeps_its_text_and_the_part_of_the_file_that_arrived() -> None:
    body = _read("truncated")

    assert body.text == "The log is attached."
    assert [file.name for file in body.files] == ["report.pdf"]
    assert body.files[0].data.startswith(b"%PDF-1.4")
    assert any("cut short" in problem for problem in body.problems)


def test_bad_base64_is_decoded_as_far_as_it_goes_and_said() -> None:
    body = _read("bad_base64")

    assert body.text == "The VPN is down again."
    assert [file.name for file in body.files] == ["screen.png"]
    assert any("base64" in problem for problem in body.problems)


def test_latin1_declared_utf8_reads_right_and_is_said() -> None:
    body = _read("latin1_declared_utf8")

    assert body.text == "Grüße aus Köln, der Drucker im Büro druckt nicht mehr."
    assert body.problems == [
        "The text part is not valid utf-8; it was read as cp1252, some characters may be wrong."
    ]


def test_an_unknown_charset_is_guessed_and_said() -> None:
    body = _read("unknown_charset")

    assert body.text == "The café's Wi-Fi is down."
    assert body.problems == [
        "The text part declares an unknown charset ('x-klingon-8'); it was read as utf-8, "
        "some characters may be wrong."
    ]


def test_iso_2022_jp_text_and_subject_read_as_written() -> None:
    body = _read("iso_2022_jp")

    assert body.subject == "プリンターが壊れました"
    assert body.text == "プリンターが壊れました。\n三階のプリンターです。"
    assert body.problems == []


def test_encoded_subject_and_file_names_are_decoded_and_made_safe() -> None:
    body = _read("encoded_names")

    assert body.subject == "Rechnung für Dezember ✓"
    # RFC 2047 in the name; RFC 2231 with a path and a right-to-left override (which
    # would show "invoiceexe.pdf"): no directory, no override, the real extension shows.
    assert [file.name for file in body.files] == [
        "Rechnung Übersicht.pdf",
        "invoicefdp.exe",
        "attachment-3.png",
    ]
    assert body.files[2].data.startswith(b"\x89PNG")


def test_script_styles_handlers_and_javascript_links_never_reach_the_text() -> None:
    body = _read("html_script")

    assert body.text == (
        "Please reset my password.\n\n"
        "Click here or the help page <https://example.org/help>.\n\n"
        "1 < 2 && 3 > 2"
    )
    for trace in ("alert", "javascript", "onerror", "onload", "phish", "hidden comment", "<p"):
        assert trace not in body.full
    # The subject is plain text too: it is escaped where it is shown, never cleaned here.
    assert body.subject == '<script>alert("subject")</script>'


def test_broken_headers_are_read_and_said() -> None:
    body = _read("broken_headers")

    assert "plain" in body.subject
    assert "The subject is not correctly encoded; some characters may be wrong." in body.problems
    assert "The mail has no text, only attachments (or nothing at all)." in body.problems
    assert [file.name for file in body.files] == ["attachment-1.txt"]


@pytest.mark.parametrize("name", sorted(path.stem for path in HOSTILE.glob("*.eml")))
def test_every_byte_cut_of_a_hostile_mail_is_read_without_exception(name: str) -> None:
    raw = (HOSTILE / f"{name}.eml").read_bytes()
    for end in range(0, len(raw), max(len(raw) // 40, 1)):
        body = read_body(_parse(raw[:end]))
        assert "\x00" not in body.text


def _nested(levels: int) -> bytes:
    head = b"From: m@example.net\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n)
        for n in range(levels)
    )
    inner = b"Content-Type: text/plain\r\n\r\nat the bottom\r\n"
    closing = b"".join(b"--b%d--\r\n" % n for n in reversed(range(levels)))
    return head + opening + inner + closing


def test_a_mail_nested_50_levels_is_read_to_the_limit_and_said() -> None:
    body, seconds, _ = _timed(_nested(50))

    assert seconds < 5
    assert body.text == ""
    assert f"nested more than {MAX_DEPTH} levels" in " ".join(body.problems)


def test_a_mail_nested_within_the_limit_is_read_whole() -> None:
    body = read_body(_parse(_nested(MAX_DEPTH - 1)))

    assert body.text == "at the bottom"


def test_a_25_mb_mail_with_a_25_mb_attachment_is_read_in_bounded_time_and_memory() -> None:
    message = EmailMessage()
    message["From"] = "big@example.net"
    message["Subject"] = "A big log"
    message.set_content("The log is attached.\n")
    message.add_attachment(b"x" * (19 * MB), maintype="text", subtype="plain", filename="big.log")
    raw = message.as_bytes()
    assert len(raw) > 25 * 1000 * 1000

    body, seconds, peak = _timed(raw)

    assert body.text == "The log is attached."
    assert len(body.files[0].data) == 19 * MB
    assert seconds < 10
    # The standard library's base64 decoding splits the part into lines and joins them:
    # about 4.5 times the mail at its peak, then the file. Linear, and nothing more.
    assert peak < 6 * len(raw)


def test_a_25_mb_text_of_blank_lines_is_cut_and_said_in_bounded_time() -> None:
    # Runs of blank lines make the reply parser's patterns quadratic; 25 MB of them
    # would take hours if they reached it.
    text = "The disk is full.\n" + "\n \n" * (8 * MB) + "end\n"
    raw = (
        b"From: big@example.net\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + text.encode()
    )
    assert len(raw) > 25 * 1000 * 1000

    body, seconds, _ = _timed(raw)

    assert body.text.startswith("The disk is full.")
    assert len(body.full) <= MAX_TEXT_CHARS
    assert seconds < 10
    assert f"longer than {MAX_TEXT_CHARS:,} characters" in " ".join(body.problems)


@pytest.mark.parametrize(
    "markup",
    ["<!--" * 400_000, "<a " * 400_000, "<![ " * 400_000, "<div>" * 400_000, "</" * 400_000],
)
def test_hostile_html_is_read_in_linear_time(markup: str) -> None:
    # Python 3.12.1's own HTMLParser takes minutes on the first two and raises on the
    # third; nh3 rewrites the markup before it gets there.
    raw = (
        b"From: m@example.net\r\nSubject: html\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Help</p>" + markup.encode()
    )

    body, seconds, _ = _timed(raw)

    assert body.text.startswith("Help")
    assert seconds < 10
    assert len(markup) <= MAX_HTML_CHARS or body.problems


def test_thousands_of_parts_are_read_to_a_limit_and_said() -> None:
    parts = b"".join(
        b"--p\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n" for _ in range(5000)
    )
    raw = (
        b"From: m@example.net\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="p"\r\n\r\n'
        b"--p\r\nContent-Type: text/plain\r\n\r\nmany parts\r\n" + parts + b"--p--\r\n"
    )

    body, seconds, _ = _timed(raw)

    assert body.text == "many parts"
    assert len(body.files) < 500
    assert seconds < 10
    assert any("more than 500 parts" in problem for problem in body.problems)


CORPUS = sorted((Path(__file__).parent / "corpus").glob("*/*.eml"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=len(CORPUS) - 1),
    edits=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=8)), max_size=6),
)
def test_a_mangled_mail_is_read_by_the_real_path_not_the_last_resort(
    index: int, edits: list[tuple[float, bytes]]
) -> None:
    raw = bytearray(CORPUS[index].read_bytes())
    for where, junk in edits:  # overwrite a few bytes anywhere: headers, boundaries, base64
        at = int(where * len(raw))
        raw[at : at + len(junk)] = junk

    body = read_body(_parse(bytes(raw)))

    assert not any("could not be read completely" in problem for problem in body.problems)
    assert "\x00" not in body.text + body.full + body.subject
