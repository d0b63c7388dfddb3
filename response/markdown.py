"""The merged timeline as Markdown (``GET .../timeline.md``): a heading with the incident's
facts, the starred key events, then every item, times in UTC to the second."""

import re
from datetime import UTC, datetime

from incidents.major import role_holders
from incidents.models import Incident, Role
from response.timeline import Item, timeline_of

STAR = "★"


def iso(moment: datetime | None) -> str:
    """UTC, ISO 8601 to the second: ``2026-12-01T14:02:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else "-"


def _line(item: Item) -> list[str]:
    star = f"{STAR} " if item.starred else ""
    head = f"- {iso(item.at)} · {star}**{_inline(item.title)}** · {_inline(item.author)}"
    if iso(item.recorded_at) != iso(item.at):
        head += f" (recorded {iso(item.recorded_at)})"
    body = [f"  {_escaped(text)}".rstrip() for text in item.body.strip().splitlines()]
    return [head, *body]


# What would start a heading, a list, a quote, a table or a setext underline at the start
# of a body line (an ordered list's number is kept, its dot escaped).
_BLOCK_START = re.compile(r"^(\s*)(?:([-+=#|])|(\d{1,9})([.)]))")


def _escaped(text: str) -> str:
    """A body line as typed: inline escapes, and no block of the document started."""
    return _BLOCK_START.sub(
        lambda m: m[1] + (f"\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}"), _chars(text), count=1
    )


def _chars(text: str) -> str:
    """No emphasis, link, code, HTML or entity: people's words shown as typed."""
    for char in ("\\", "*", "_", "[", "]", "`", "<", ">", "&"):
        text = text.replace(char, "\\" + char)
    return text


def _inline(text: str) -> str:
    """One line (within a line the document already started), escaped by :func:`_chars`."""
    return _chars(" ".join(text.split()))


def timeline_markdown(incident: Incident) -> str:
    """The incident's merged timeline as a Markdown document."""
    items = timeline_of(incident)
    holders = role_holders(incident)
    lines = [f"# {incident.number}: {_inline(incident.title)}", ""]
    facts = [
        ("Severity", incident.get_severity_display() if incident.severity else "-"),
        ("Priority", incident.get_priority_display()),
        ("Status", incident.get_status_display()),
        ("Major incident since", iso(incident.major_since)),
        ("Impact started", iso(incident.impact_started_at)),
        ("Detected", iso(incident.detected_at)),
        ("Resolved", iso(incident.resolved_at)),
        ("War room", incident.war_room_url or "-"),
    ]
    for role, label in Role.choices:
        people = holders.get(role, [])
        facts.append((str(label), ", ".join(str(person) for person in people) or "-"))
    lines += [f"- {label}: {_inline(str(value))}" for label, value in facts]
    lines += ["", f"Times are UTC. {STAR} marks a key event.", "", "## Key events", ""]
    starred = [item for item in items if item.starred]
    for item in starred:
        first = item.body.strip().splitlines()[0] if item.body.strip() else ""
        said = f": {first}" if first else ""
        lines.append(f"- {iso(item.at)} {_inline(item.title)}{_inline(said)}")
    if not starred:
        lines.append("None starred.")
    lines += ["", "## Timeline", ""]
    for item in items:
        lines += _line(item)
    if not items:
        lines.append("Nothing yet.")
    return "\n".join(lines) + "\n"
