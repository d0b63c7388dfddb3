"""A mail's HTML part made plain text (docs/mail.md, "Text and quotes").

Two steps. nh3 (html5ever, linear time) first rewrites whatever arrived into a small,
well-formed set of tags: scripts, styles and comments go with their content, event
handlers and ``javascript:`` links go, broken markup is repaired. Only then does the
standard library's parser walk it. The order matters: on Python 3.12.1 ``HTMLParser``
is quadratic on unterminated comments and tags and raises on a bad ``<![``, so it must
never see a stranger's markup directly.

While walking, the first element that mail clients use to hold quoted history or a
signature (Gmail's ``gmail_quote``, Outlook's ``divRplyFwdMsg``, Apple Mail's
``<blockquote type="cite">``, Thunderbird's ``moz-cite-prefix``...) marks where the
sender's own words end: that structure says more than any text pattern could.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre"})
_INLINE = frozenset(
    {"a", "b", "i", "u", "em", "strong", "span", "font", "code", "small", "big", "sub", "sup",
     "s", "strike", "del", "ins", "mark", "q", "cite", "abbr", "td", "th", "br", "hr"}
)  # fmt: skip
_TAGS = _BLOCKS | _INLINE
# Dropped with everything inside them: nothing a reader should see.
_DROPPED = {"script", "style", "title", "head", "noscript", "template", "object", "iframe"}

# Where a mail client puts the quoted message or the signature, by class (prefix) or id.
_QUOTE_CLASSES = (
    "gmail_quote",  # Gmail: the attribution line and the quoted message
    "gmail_signature",  # Gmail: the signature (and its "-- " prefix line)
    "moz-cite-prefix",  # Thunderbird: "On <date> <name> wrote:"
    "moz-signature",  # Thunderbird: the signature
    "yahoo_quoted",  # Yahoo Mail
    "protonmail_quote",  # Proton Mail
)
_QUOTE_IDS = frozenset(
    {
        "appendonsend",  # Outlook (web and new desktop): everything below is history
        "divrplyfwdmsg",  # Outlook: the From/Sent/To/Subject block of the quoted mail
        "x_divrplyfwdmsg",  # the same, once Exchange has prefixed ids
        "mail-editor-reference-message-container",  # Outlook for Mac
    }
)
# A tag, for counting nesting only. Its attributes stop at "<" so that unterminated tags
# ("<a <a <a ...") cost one step each, not a scan to the end of the text.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
# html5ever's tree builder walks the open elements for every block it opens: quadratic in
# the nesting depth (40,000 nested <div> take 15 s). No mail needs more than this.
MAX_NESTING = 400
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
OUTLOOK_RULE = "_" * 32  # how Outlook writes a rule (<hr>) in its plain text


@dataclass(frozen=True)
class HtmlText:
    full: str
    """The whole HTML part as text."""
    reply: str | None
    """The text above the first quoted-history or signature element; None when there is
    none (then the text patterns of ``mailin.quotes`` decide alone)."""
    problem: str | None = None
    """Why the layout may be off (markup nested deeper than ``MAX_NESTING``)."""


def html_to_text(html: str) -> HtmlText:
    """``html`` as readable plain text: blocks on their own lines, list items with a dash,
    blockquotes prefixed "> ", links followed by their address when it is not their text."""
    html, flattened = _flatten(html)
    clean = nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags=_DROPPED,
        attributes={"*": {"class", "id"}, "blockquote": {"type"}, "a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
        link_rel=None,
    )
    walker = _Walker()
    walker.feed(clean)
    walker.close()
    text = walker.result()
    if not flattened:
        return text
    problem = (
        f"The HTML part is nested more than {MAX_NESTING} levels deep; "
        "the deeper levels were read without their layout."
    )
    return HtmlText(full=text.full, reply=text.reply, problem=problem)


def _flatten(html: str) -> tuple[str, bool]:
    """``html`` with the tags deeper than MAX_NESTING removed (their text stays), and
    whether there were any. Scripts and styles are kept whatever their depth, so that
    nh3 still drops them with their content."""
    depth = 0
    dropped = 0
    flattened = False

    def tag(match: re.Match[str]) -> str:
        nonlocal depth, dropped, flattened
        name = match.group(2).lower()
        if name in _VOID or name in _DROPPED:
            return match.group(0)
        if match.group(1):  # a closing tag closes the innermost: a dropped one first
            if dropped:
                dropped -= 1
                return ""
            depth = max(depth - 1, 0)
            return match.group(0)
        if depth >= MAX_NESTING:
            dropped += 1
            flattened = True
            return ""
        depth += 1
        return match.group(0)

    flat = _TAG.sub(tag, html)
    return flat, flattened


class _Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.depth = 0  # blockquote nesting: each level prefixes "> "
        self.pre = 0
        self.cut: int | None = None  # len(self.lines) where the quoted history began
        self.lists: list[int | None] = []  # per open list: the next number, None if bulleted
        self.anchor: tuple[str, int, int] | None = None  # href, where its text began

    def _flush(self, *, keep_empty: bool = False) -> None:
        text = "".join(self.line)
        if not self.pre:
            text = _SPACES.sub(" ", text).strip()
        if text or keep_empty:
            self.lines.append(("> " * self.depth + text).rstrip())
        self.line = []

    def _blank(self) -> None:
        self._flush()
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append(">" if self.depth else "")

    def _marks_quote(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag == "blockquote" and attrs.get("type", "").lower() == "cite":
            return True  # Apple Mail, Thunderbird
        classes = attrs.get("class", "").split()
        if any(name.startswith(_QUOTE_CLASSES) for name in classes):
            return True
        return attrs.get("id", "").lower() in _QUOTE_IDS

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if self.cut is None and self._marks_quote(tag, values):
            self._flush()
            self.cut = len(self.lines)
        if tag == "br":
            self._flush(keep_empty=True)
        elif tag == "hr":
            self._flush()
            self.lines.append(OUTLOOK_RULE)
        elif tag in ("td", "th"):
            self.line.append("  ")
        elif tag == "a":
            self.anchor = (values.get("href", ""), len(self.lines), len(self.line))
        elif tag in _BLOCKS:
            self._blank() if tag in _PARAGRAPHS else self._flush()
            if tag == "blockquote":
                self.depth += 1
            elif tag == "pre":
                self.pre += 1
            elif tag in ("ul", "ol"):
                self.lists.append(1 if tag == "ol" else None)
            elif tag == "li":
                number = self.lists[-1] if self.lists else None
                if number is None:
                    self.line.append("- ")
                else:
                    self.line.append(f"{number}. ")
                    self.lists[-1] = number + 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.anchor is not None:
            href, lines, start = self.anchor
            self.anchor = None
            label = "".join(self.line[start:]).strip() if lines == len(self.lines) else ""
            if href and href not in (label, f"mailto:{label}", f"{label}/"):
                self.line.append(f" <{href}>" if label else href)
        elif tag in _BLOCKS:
            self._blank() if tag in _PARAGRAPHS else self._flush()
            if tag == "blockquote":
                self.depth = max(self.depth - 1, 0)
            elif tag == "pre":
                self.pre = max(self.pre - 1, 0)
            elif tag in ("ul", "ol") and self.lists:
                self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.line.append(data)

    def result(self) -> HtmlText:
        self._flush()
        full = _tidy(self.lines)
        reply = None if self.cut is None else _tidy(self.lines[: self.cut])
        return HtmlText(full=full, reply=reply)


def _tidy(lines: list[str]) -> str:
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
