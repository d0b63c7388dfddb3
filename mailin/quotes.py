"""What the sender wrote: a reply's quoted history and signature cut off (docs/mail.md).

The text patterns are mail-parser-reply's: the attribution lines ("On <date>, <name>
wrote:", "Am ... schrieb ...:", "Le ... a écrit :"), Outlook's "-----Original Message-----"
and "From: / Sent: / To: / Subject:" blocks in the languages it knows, and signatures
("-- ", "Sent from my iPhone", "Best regards"). Two things are ours. The library's
patterns are slow on long runs of blank lines (quadratic) and on long texts, so it sees
at most ``SCAN_CHARS`` characters with blank runs collapsed. And a reply that quotes
without an attribution line leaves "> " lines at its end, which we drop, as we drop the
iPhone taglines in German and French the library does not know. Third, the library takes
any line that merely begins with a sign-off word ("Thanks,", "Best,", "Regards,") for the
start of a signature and drops everything below it; "Thanks, the printer broke again." is
the sender's report, not a sign-off, so we cut only at a line that is a sign-off alone
(with at most a name after it).
"""

import re

from mailparser_reply.parser import EmailMessage as ParsedReply
from mailparser_reply.parser import EmailReply

# Languages whose attribution lines and header blocks are recognised (mail-parser-reply
# codes). English is always included. These are the ones the library tests; the others
# it lists (cs, es, ko, zh) it marks untested.
LANGUAGES = ("en", "de", "fr", "nl", "it", "sv", "da", "pl", "ja")
SCAN_CHARS = 100_000
_BLANK_RUNS = re.compile(r"\n(?:[ \t\u00a0]*\n){2,}")
# The phones' own taglines the library does not know (it knows "Sent from my ...",
# "Gesendet von ..." and "Envoyé depuis ..."): iOS in German and French.
# A sign-off line: a few words ("Thanks,", "Best regards, Carl"), not a sentence.
_SIGN_OFF_WORDS = 6
_SIGN_OFF_TRIES = 10
_SENTENCE_END = re.compile(r"[.?!:;]\s*$")
_TAGLINE = re.compile(r"(?:Von meinem \S+(?: \S+)? gesendet|Envoy\u00e9 de mon \S+(?: \S+)?)\.?")


def strip_reply(text: str) -> str:
    """``text`` without the quoted history and signature below what the sender wrote.
    Returns ``text`` (stripped) when nothing would be left."""
    text = _BLANK_RUNS.sub("\n\n", text.replace("\r\n", "\n"))
    head = text[:SCAN_CHARS]
    parsed = ParsedReply(text=head, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    reply = _body(parsed, parsed.replies[0]) if parsed.replies else head
    if len(text) > SCAN_CHARS and len(parsed.replies) < 2:
        reply = text  # no quoted history begins within the part read: keep all of it
    reply = _drop_trailing_quote(reply)
    return reply or text.strip()


def below_reply(full: str, reply: str) -> str:
    """What ``full`` holds below ``reply`` (``strip_reply``'s cut of it): the quoted
    history and signature, "" when nothing was cut. Found line by line, as the reply's
    runs of blank lines were collapsed; when a line of it is not in ``full`` (an HTML
    part laid out apart from its reply), all of ``full``: repeated words lose nothing."""
    if reply.strip() == full.strip():
        return ""
    at = 0
    for line in reply.splitlines():
        line = line.strip()
        if not line:
            continue
        found = full.find(line, at)
        if found < 0:
            return full.strip()
        at = found + len(line)
    return full[at:].strip()


def _body(parsed: ParsedReply, reply: EmailReply) -> str:
    """The reply's text above its signature, like ``EmailReply.body``, but cut only at a
    signature that is one: a line beginning "Thanks, the ..." is what the sender wrote."""
    content = reply.content
    for disclaimer in reply.disclaimers:
        content = content.replace(disclaimer, "")
    content = content.replace(reply.headers or "", "")
    at = 0
    # Each search runs to the end of the text: a few lines that merely look like a
    # sign-off are worth reading past, thousands (a hostile mail) are not.
    for _ in range(_SIGN_OFF_TRIES):
        match = parsed.SIGNATURE_REGEX.search(content, at)
        if match is None:
            break
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        first = content[start:].split("\n", 1)[0].strip().lstrip("> ")
        if _is_sign_off(first):
            return content[:start].strip()
        end = content.find("\n", start)
        if end < 0:
            break
        at = end
    return content.strip()


def _is_sign_off(line: str) -> bool:
    """Whether the first line of what the library takes for a signature is a signature's:
    a separator ("-- ", underscores), a tagline, or a sign-off of a few words."""
    if not line or line.startswith(("--", "__")) or not line[0].isalnum():
        return True
    return len(line.split()) <= _SIGN_OFF_WORDS and not _SENTENCE_END.search(line)


def _drop_trailing_quote(text: str) -> str:
    lines = text.rstrip().split("\n")
    end = len(lines)
    while end and (
        lines[end - 1].startswith(">")
        or not lines[end - 1].strip()
        or _TAGLINE.fullmatch(lines[end - 1].strip())
    ):
        end -= 1
    return "\n".join(lines[:end]).strip()
