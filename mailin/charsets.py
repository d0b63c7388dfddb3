"""Bytes of a mail part made text, whatever charset it declares (docs/mail.md).

Mail lies about its charset: Latin-1 declared UTF-8, names no codec knows, no charset at
all. Each part is decoded with what it declares when that works; otherwise with UTF-8,
then with the guess of charset-normalizer (a kept detector, given a bounded sample), and
in the last resort with Windows-1252, which maps every byte. Never raises; says in words
what it had to guess.
"""

import codecs
from dataclasses import dataclass

import charset_normalizer

# Python text codecs that are no mail charset: they turn backslash sequences or
# punycode into characters, so a part "in" them would read as something it never said.
_NOT_MAIL = frozenset({"unicode_escape", "raw_unicode_escape", "punycode", "idna", "mbcs"})
_SAMPLE = 64 * 1024  # enough for the detector to be sure; it is slow on megabytes
_LAST_RESORT = "cp1252"
_WESTERN_MARKS = frozenset(
    "\u00a0\u00a7\u00a9\u00ab\u00b0\u00bb\u20ac\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022"
)


@dataclass(frozen=True)
class Decoded:
    text: str
    problem: str | None = None
    """Why the text may not read as sent (the charset was wrong, unknown or guessed)."""


def codec_name(charset: str | None) -> str | None:
    """The Python codec for a mail charset name, or None when there is none we trust."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return None if name.replace("-", "_") in _NOT_MAIL else name


def _reads_as_western(sample: bytes) -> bool:
    """Whether ``sample`` in Windows-1252 gives only letters and the punctuation Western
    text uses. A part that declared UTF-8 (or nothing) and is not is almost always
    Windows-1252 or Latin-1, and on a short text the detector guesses wildly (Urdu for
    "Grüße"); Japanese or Cyrillic bytes read this way give symbols and fail the test."""
    text = sample.decode(_LAST_RESORT, errors="replace")
    if not all(
        char.isascii() or char in _WESTERN_MARKS or (char.isalpha() and char <= "\u024f")
        for char in text
    ):
        return False
    # Western words are mostly ASCII letters; Cyrillic read this way is all accents.
    letters = sum(char.isalpha() for char in text)
    return sum(not char.isascii() for char in text) * 2 <= letters


def _guess(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    if _reads_as_western(data[:_SAMPLE]):
        return _LAST_RESORT
    best = charset_normalizer.from_bytes(data[:_SAMPLE]).best()
    found = codec_name(best.encoding) if best is not None else None
    return found or _LAST_RESORT


def decode(data: bytes, charset: str | None, *, what: str = "The text") -> Decoded:
    """``data`` as text. ``charset`` is what the part declared (None: nothing)."""
    codec = codec_name(charset)
    if codec is not None:
        try:
            return Decoded(data.decode(codec))
        except UnicodeDecodeError:
            pass
    elif not charset:
        try:
            # No charset means US-ASCII (RFC 2045); UTF-8 reads that and more.
            return Decoded(data.decode("utf-8"))
        except UnicodeDecodeError:
            pass
    guess = _guess(data)
    text = data.decode(guess, errors="replace")
    if codec is not None:
        why = f"is not valid {charset}"
    elif charset:
        why = f"declares an unknown charset ({charset[:40]!r})"
    else:
        why = "declares no charset"
    return Decoded(text, f"{what} {why}; it was read as {guess}, some characters may be wrong.")
