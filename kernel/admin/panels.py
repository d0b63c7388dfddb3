"""Panels under a ticket's change form: its cross links (``kernel.links``) and whatever
else a higher app adds, such as known errors suggested for an incident. A panel is rows
of (ticket, note, optional one-click POST action, optional content)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from kernel.links import relations_of


@dataclass(frozen=True)
class PanelRow:
    ticket: Any
    note: str = ""
    action_url: str = ""
    """A POST target the row's button submits to, with ``action_label`` on the button."""
    action_label: str = ""
    link_url: str = ""
    """A page elsewhere the row also links to (an alert's graph), with ``link_label``."""
    link_label: str = ""
    content: str = ""
    """HTML shown under the row as it is (a runbook's body): the app that makes the row
    makes it safe and marks it so (``SafeString``); a plain string is escaped."""

    @property
    def url(self) -> str:
        return admin_url(self.ticket)


@dataclass(frozen=True)
class Panel:
    title: str
    rows: list[PanelRow] = field(default_factory=list)
    empty: str = "None."


type PanelSource = Callable[[HttpRequest, Any], Panel | None]

_sources: dict[type[Model], list[PanelSource]] = {}


def register_admin_panel(model: type[Model], source: PanelSource) -> None:
    """Show ``source(request, ticket)`` on ``model``'s change form (``None``: nothing).
    Called from an app's ``wiring.connect()``; idempotent."""
    registered = _sources.setdefault(model, [])
    if source not in registered:
        registered.append(source)


def admin_url(obj: object) -> str:
    """The admin change page of ``obj``, or "" for rows that are not registered models."""
    if not isinstance(obj, Model):
        return ""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def panels_for(request: HttpRequest, ticket: Model) -> list[Panel]:
    model = type(ticket)
    panels = [
        Panel(relation.label, [PanelRow(target) for target in relation.targets(ticket)])
        for relation in relations_of(model)
    ]
    for source in _sources.get(model, ()):
        panel = source(request, ticket)
        if panel is not None:
            panels.append(panel)
    return panels


@dataclass(frozen=True)
class Fact:
    """One item of a ticket's header: "Priority: P1", "SLA: 2 h 05 min"."""

    label: str
    value: Any
    """Text, or HTML its maker made safe (a badge)."""


type FactSource = Callable[[HttpRequest, Any], Fact | None]

_facts: dict[type[Model], list[FactSource]] = {}


def register_header_fact(model: type[Model], source: FactSource) -> None:
    """Show ``source(request, ticket)`` in ``model``'s change form header, after the
    ticket admin's own facts (``None``: nothing). Called from ``wiring.connect()``;
    idempotent."""
    registered = _facts.setdefault(model, [])
    if source not in registered:
        registered.append(source)


def plugged_facts(request: HttpRequest, ticket: Model) -> list[Fact]:
    found = (source(request, ticket) for source in _facts.get(type(ticket), ()))
    return [fact for fact in found if fact is not None]


type EntryTitle = Callable[[Any, Any], str]

_entry_titles: list[EntryTitle] = []


def register_entry_title(source: EntryTitle) -> None:
    """The words a timeline entry is shown with on every ticket's change form:
    ``source(ticket, entry)``. One app holds the words (``response.timeline``); until it
    registers, a move's own words or the verb spelled out are shown."""
    _entry_titles[:] = [source]


def entry_title(ticket: Any, entry: Any) -> str:
    if _entry_titles:
        return _entry_titles[0](ticket, entry)
    moves = type(ticket).moves
    if entry.verb in moves.names():
        move = moves.get(entry.verb)
        return str(move.words or move.label).capitalize()
    return (
        str(entry.get_kind_display())
        if entry.verb in ("", "note")
        else (entry.verb.replace("_", " ").capitalize())
    )
