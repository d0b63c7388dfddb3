"""One search for every ticket type: the rule the admin's header box and
``GET /api/v1/search/`` both call (``search``).

- An exact number (``INC42``, ``inc0000042``, ``PRB-7``, ``KE12``: any case, with or
  without the zero padding) is a jump to that record, if the user may see it.
- Anything else is words, matched in each type's title and text fields and in its
  timeline's comments and work notes, ranked, and grouped by type. Work notes count only
  for agents; everyone else searches what they may see (the type's ``visible`` rule)
  and only its comments.

On PostgreSQL the words are a ``websearch_to_tsquery`` (English) against the stored,
GIN-indexed ``search_vector`` columns (``kernel.migration_operations.TextSearchColumn``),
ranked by ``ts_rank``: title (A) over text (B, C) over notes (D). Elsewhere (SQLite, the
embedded default) each word must appear (``icontains``) and the rank is where it was
found, newest first among equals. Either way a group costs at most three queries (and
on PostgreSQL one more for the whole search: the newest note ids), a constant number
whatever the table sizes.

Apps register their types from ``wiring.connect()`` (``register_searchable``)."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Model, Q, QuerySet

from kernel.enums import TimelineKind
from kernel.numbering import format_number
from kernel.querysets import StoredVector

if TYPE_CHECKING:
    from accounts.models import User

PER_GROUP = 10
MAX_TERM = 200
MAX_WORDS = 8
NUMBER = re.compile(r"\s*([A-Za-z]{2,3})[\s-]?(\d{1,9})\s*")

type Visible = Callable[[QuerySet[Any], "User"], QuerySet[Any]]


def agents_only(tickets: QuerySet[Any], user: "User") -> QuerySet[Any]:
    """The default visibility: agents who may view the type (its model's ``view``
    permission, as in the admin) see every ticket of it, nobody else any."""
    opts = tickets.model._meta.concrete_model._meta  # a known error is a problem
    may_view = user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    return tickets if user.is_agent and may_view else tickets.none()


@dataclass(frozen=True)
class Searchable:
    """A type the search covers, as its app registers it."""

    kind: str
    """A stable key (``incident``, ``known_error``): the API's ``type``."""
    label: str
    """The group's heading, plural (``Incidents``)."""
    model: type[Model]
    timeline: type[Model]
    """Its timeline entry model (``ticket`` foreign key, ``kind``, ``body``)."""
    prefixes: tuple[str, ...]
    """The number prefixes that jump here (the first is the one stored)."""
    text_fields: tuple[str, ...] = ("title", "description")
    """What the SQLite fallback matches; PostgreSQL reads the migration's vector."""
    scope: Q | None = None
    """Which rows of ``model`` belong to this group (known errors among problems)."""
    visible: Visible = agents_only


@dataclass
class Hit:
    kind: str
    label: str
    pk: int
    number: str
    title: str
    status: str
    priority: int
    updated_at: datetime
    rank: float
    matched: list[str] = field(default_factory=list)
    """Where the words were found: "details" (the title, description or other text
    fields), "comment", "work note"."""
    model: type[Model] | None = None


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit]


@dataclass
class Results:
    term: str
    jump: Hit | None
    groups: list[Group]

    @property
    def empty(self) -> bool:
        return self.jump is None and not any(group.hits for group in self.groups)


_searchables: dict[str, Searchable] = {}


def register_searchable(searchable: Searchable) -> None:
    """Let ``search`` cover a type; called from an app's ``wiring.connect()``. Idempotent
    (the same kind replaces itself)."""
    _searchables[searchable.kind] = searchable


def searchables() -> list[Searchable]:
    return list(_searchables.values())


ROW = ("pk", "number", "title", "status", "priority", "updated_at")


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def note_kinds(user: "User") -> list[str]:
    """Agents search comments and work notes; anyone else comments only."""
    if user.is_agent:
        return [TimelineKind.COMMENT, TimelineKind.WORK_NOTE]
    return [TimelineKind.COMMENT]


def rows_of(searchable: Searchable, user: "User") -> QuerySet[Any]:
    tickets = searchable.model._default_manager.all()
    if searchable.scope is not None:
        tickets = tickets.filter(searchable.scope)
    return searchable.visible(tickets, user)


def parse_number(term: str) -> tuple[str, int] | None:
    """``(prefix, value)`` when ``term`` is a ticket number in any case and padding."""
    found = NUMBER.fullmatch(term)
    if found is None:
        return None
    return found.group(1).upper(), int(found.group(2))


def find_number(term: str, user: "User") -> Hit | None:
    """The record ``term`` numbers, if ``user`` may see it (one query per type that
    answers to the prefix; none when ``term`` is not a number)."""
    parsed = parse_number(term)
    if parsed is None:
        return None
    prefix, value = parsed
    for searchable in _searchables.values():
        if prefix not in searchable.prefixes:
            continue
        stored = format_number(searchable.prefixes[0], value)
        row = rows_of(searchable, user).filter(number=stored).values(*ROW).first()
        if row is not None:
            return hit_of(searchable, row, rank=1.0)
    return None


def hit_of(searchable: Searchable, row: dict[str, Any], *, rank: float) -> Hit:
    status = dict(searchable.model._meta.get_field("status").flatchoices)  # type: ignore[union-attr]
    return Hit(
        kind=searchable.kind,
        label=searchable.label,
        pk=row["pk"],
        number=row["number"],
        title=row["title"],
        status=str(status.get(row["status"], row["status"])),
        priority=row["priority"],
        updated_at=row["updated_at"],
        rank=rank,
        model=searchable.model._meta.concrete_model,
    )


def clean_term(term: str) -> str:
    return " ".join(term.split())[:MAX_TERM]


def search(term: str, *, user: "User", per_group: int = PER_GROUP) -> Results:
    """What ``user`` finds for ``term``: a jump for an exact number, else ranked groups."""
    term = clean_term(term)
    if not term or not user.is_active:
        return Results(term=term, jump=None, groups=[])
    jump = find_number(term, user)
    if jump is not None:
        return Results(term=term, jump=jump, groups=[])
    newest = newest_notes() if uses_full_text() else {}
    groups = [
        Group(
            searchable.kind,
            searchable.label,
            group_hits(searchable, term, user, per_group, newest.get(searchable.timeline, 0)),
        )
        for searchable in _searchables.values()
    ]
    return Results(term=term, jump=None, groups=groups)


def newest_notes() -> dict[type[Model], int]:
    """The newest entry's id of every timeline the search reads, in one statement."""
    timelines = list(dict.fromkeys(searchable.timeline for searchable in _searchables.values()))
    if not timelines:
        return {}
    tables = [connection.ops.quote_name(timeline._meta.db_table) for timeline in timelines]
    # Table names from the models, never from input.
    columns = ", ".join(f"(SELECT max(id) FROM {t})" for t in tables)  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        row = cursor.fetchone()
    return {timeline: value or 0 for timeline, value in zip(timelines, row, strict=True)}


def group_hits(
    searchable: Searchable, term: str, user: "User", limit: int, newest: int = 0
) -> list[Hit]:
    """The ``limit`` best tickets of one type: its own text (one query), its notes (one;
    on PostgreSQL the newest ``RECENT_NOTES`` after ``newest`` first), and the rows of
    tickets found only by their notes (one, when there are any)."""
    tickets = rows_of(searchable, user)
    if tickets.query.is_empty():
        return []
    notes = searchable.timeline._default_manager.filter(kind__in=note_kinds(user))
    if searchable.scope is not None or not user.is_agent:
        notes = notes.filter(ticket__in=tickets.values("pk"))
    if uses_full_text():
        query = SearchQuery(term, config="english", search_type="websearch")
        own = ranked(tickets, query).values(*ROW, "rank")
        noted = recent_first(notes, query, limit * 3, newest)
    else:
        own = matching(tickets, term, searchable.text_fields).values(*ROW)
        noted = matching(notes, term, ("body",)).values("ticket_id", "kind")
    hits: dict[int, Hit] = {}
    for row in own[:limit]:
        hit = hits[row["pk"]] = hit_of(searchable, row, rank=row.get("rank", 0.0))
        hit.matched.append("details")
        if not uses_full_text():
            hit.rank = fallback_rank(row, term)
    by_notes: dict[int, tuple[float, list[str]]] = {}
    for row in noted[: limit * 3]:
        rank, kinds = by_notes.setdefault(row["ticket_id"], (row.get("rank", 0.1), []))
        kind = str(TimelineKind(row["kind"]).label).lower()
        if kind not in kinds:
            kinds.append(kind)
    missing = [pk for pk in by_notes if pk not in hits]
    if missing:
        for row in tickets.filter(pk__in=missing[: limit * 3]).values(*ROW):
            hits[row["pk"]] = hit_of(searchable, row, rank=0.0)
    for pk, (rank, kinds) in by_notes.items():
        if pk in hits:
            hits[pk].rank = max(hits[pk].rank, rank)
            hits[pk].matched.extend(kinds)
    ordered = sorted(hits.values(), key=lambda hit: (-hit.rank, -hit.updated_at.timestamp()))
    return ordered[:limit]


def ranked(rows: QuerySet[Any], query: SearchQuery) -> QuerySet[Any]:
    """PostgreSQL: rows whose stored vector matches, best first (GIN index)."""
    return (
        rows.annotate(vector=StoredVector())
        .filter(vector=query)
        .annotate(rank=SearchRank(F("vector"), query))
        .order_by("-rank", "-pk")
    )


RECENT_NOTES = 30_000
"""How many of the newest timeline entries are searched first, row by row."""


def recent_first(
    notes: QuerySet[Any], query: SearchQuery, limit: int, newest: int
) -> QuerySet[Any]:
    """PostgreSQL: the best notes among the newest ``RECENT_NOTES`` entries, and only when
    fewer match there, the best of all (one statement; PostgreSQL stops reading after the
    first part when it fills the limit).

    Why: words common in notes ("mail relay" in 2 % of a million incidents' notes) match
    tens of thousands of rows scattered over the timeline table, and ranking them all
    reads every one of their pages. The newest entries are read in id order instead (the
    unindexed vector keeps the planner off the GIN index, whose estimate for two words
    that go together is far too low); rare words find too few there and the second part
    answers them from the GIN index, which is cheap for them."""
    recent = (
        notes.filter(pk__gt=newest - RECENT_NOTES)
        .annotate(vector=StoredVector(indexed=False))
        .filter(vector=query)
        .annotate(rank=SearchRank(F("vector"), query))
        .order_by("-rank", "-pk")
        .values("ticket_id", "kind", "rank")[:limit]
    )
    everywhere = ranked(notes, query).values("ticket_id", "kind", "rank")[:limit]
    return recent.union(everywhere, all=True).order_by()


def words_of(term: str) -> list[str]:
    return [word.strip("\"'") for word in term.split()[:MAX_WORDS] if word.strip("\"'")]


def matching(rows: QuerySet[Any], term: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    """Elsewhere: rows holding every word in one of ``fields``, newest first."""
    for word in words_of(term):
        anywhere = Q()
        for name in fields:
            anywhere |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(anywhere)
    return rows.order_by("-pk")


def fallback_rank(row: dict[str, Any], term: str) -> float:
    """Without ``ts_rank``: 1.0 when every word is in the title, else the text's 0.4."""
    title = row["title"].lower()
    return 1.0 if all(word.lower() in title for word in words_of(term)) else 0.4
