"""A postmortem as one document: the Markdown export (``GET .../markdown/``) and the
context of the print view share ``document()``, so both say the same things in the same
order."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from postmortems.facts import DURATIONS, format_seconds
from postmortems.models import ActionItem, Postmortem


@dataclass(frozen=True)
class Document:
    postmortem: Postmortem
    facts: list[tuple[str, str]]
    durations: list[tuple[str, str]]
    key_events: list[dict[str, str]]
    sections: list[tuple[str, str, str]]
    action_items: list[ActionItem]
    reviewers: list[tuple[str, str]] = field(default_factory=list)


def _local(value: datetime | None) -> str:
    if value is None:
        return "n/a"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z")


def document_events(postmortem: Postmortem) -> list[dict[str, str]]:
    """The starred events kept with the postmortem, their times in the desk's zone."""
    events = []
    for event in postmortem.key_events or []:
        when = parse_datetime(event.get("at") or "")
        events.append({**event, "at": _local(when) if when else ""})
    return events


def document(postmortem: Postmortem) -> Document:
    """Everything the export shows, read in a fixed number of queries."""
    incident = postmortem.incident
    services = ", ".join(service.name for service in postmortem.services.all()) or "n/a"
    stored = postmortem.durations or {}
    facts = [
        ("Incident", f"{incident.number} {incident.title}"),
        ("Status", postmortem.get_status_display()),
        ("Author", str(postmortem.author)),
        ("Services", services),
        ("Impact started", _local(postmortem.impact_started_at)),
        ("Impact ended", _local(postmortem.impact_ended_at)),
        ("Published", _local(postmortem.published_at)),
    ]
    items = list(
        postmortem.action_items.select_related("owner", "problem", "change").order_by(
            "due_date", "id"
        )
    )
    reviewers = [
        (
            str(reviewer.user),
            "approved " + _local(reviewer.approved_at) if reviewer.approved_at else "to approve",
        )
        for reviewer in postmortem.reviewers.select_related("user")
    ]
    return Document(
        postmortem=postmortem,
        facts=facts,
        durations=[(label, format_seconds(stored.get(key))) for key, label, _, _ in DURATIONS],
        key_events=document_events(postmortem),
        sections=postmortem.section_texts(),
        action_items=items,
        reviewers=reviewers,
    )


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown(postmortem: Postmortem) -> str:
    doc = document(postmortem)
    lines = [f"# {postmortem.number}: {postmortem.title}", ""]
    lines += [f"- **{label}:** {value}" for label, value in doc.facts]
    lines += ["", "## Summary", "", postmortem.description.strip() or "_Not written yet._"]
    lines += ["", "## Impact", "", postmortem.customer_impact.strip() or "_Not written yet._"]
    lines += ["", "## Durations", "", "| measure | duration |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in doc.durations]
    lines += ["", "## Key events", ""]
    if doc.key_events:
        lines += ["| time | event | by |", "|---|---|---|"]
        for event in doc.key_events:
            text = event["title"] + (f": {event['body']}" if event.get("body") else "")
            lines.append(f"| {event['at']} | {_cell(text)} | {_cell(event.get('author', ''))} |")
    else:
        lines.append("_No starred events._")
    for _, heading, text in doc.sections:
        lines += ["", f"## {heading}", "", text.strip() or "_Not written yet._"]
    lines += ["", "## Action items", ""]
    if doc.action_items:
        lines += ["| item | kind | owner | due | state | carried by |", "|---|---|---|---|---|---|"]
        for item in doc.action_items:
            carried = ", ".join(t.number for t in (item.problem, item.change) if t is not None)
            state = item.get_state_display()
            if item.wont_do_reason:
                state += f" ({item.wont_do_reason})"
            due = item.due_date.isoformat() if item.due_date else "n/a"
            lines.append(
                f"| {_cell(item.title)} | {item.get_kind_display()} | {_cell(item.owner)} | "
                f"{due} | {_cell(state)} | {carried or 'n/a'} |"
            )
    else:
        lines.append("_None._")
    lines += ["", "## Reviewers", ""]
    lines += [f"- {name}: {state}" for name, state in doc.reviewers] or ["_None named._"]
    return "\n".join(lines) + "\n"
