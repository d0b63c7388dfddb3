"""Queries every ticket list shares, shaped so the database's indexes can answer them."""

import re
from typing import TYPE_CHECKING, Any, Self

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection, models
from django.db.models.sql.compiler import SQLCompiler

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper


class StoredVector(models.Expression):
    """The row's ``search_vector`` column, which only PostgreSQL has and no model
    declares (so forms, history and serializers never carry it)."""

    output_field = SearchVectorField()

    def __init__(self, *, indexed: bool = True) -> None:
        super().__init__()
        self.indexed = indexed
        """False: the same value in a form the GIN index does not answer, so the planner
        reads the rows another index picks (``kernel.search``'s recent notes)."""

    def as_sql(
        self, compiler: SQLCompiler, connection: "BaseDatabaseWrapper"
    ) -> tuple[str, tuple[str | int, ...]]:
        column = f"{compiler.quote_name(compiler.query.get_initial_alias())}.search_vector"
        if self.indexed:
            return column, ()
        return f"({column} || ''::tsvector)", ()


class TicketQuerySet[T: models.Model](models.QuerySet[T]):
    def search(self, term: str) -> Self:
        """A ticket number (or its prefix) or words of the title or the description, plus
        whatever the ticket type adds (``search_q``). A number goes to the number's index
        alone: a case-insensitive match or an OR with the title would scan every row. On
        PostgreSQL the description is matched through the full-text vector of
        ``kernel.search`` (GIN), elsewhere with ``icontains``."""
        term = term.strip()
        if not term:
            return self
        prefix: str = getattr(self.model, "NUMBER_PREFIX", "")
        upper = term.upper()
        if prefix and re.fullmatch(rf"{re.escape(prefix)}\d+", upper):
            return self.filter(number__startswith=upper)
        # Each way of matching is its own indexed query (the title's trigram index, the
        # full-text vector's GIN index on PostgreSQL, the type's ``search_q``), joined by
        # UNION: an OR of them in one WHERE makes PostgreSQL read every row (a million
        # rows for a word that matches none).
        rows: models.QuerySet[Any] = self.model._default_manager.all()
        ways: list[models.QuerySet[Any]] = [rows.filter(title__icontains=term)]
        if connection.vendor == "postgresql":
            words = SearchQuery(term, config="english", search_type="websearch")
            ways.append(rows.alias(search_vector=StoredVector()).filter(search_vector=words))
        else:
            ways.append(rows.filter(description__icontains=term))
        extra = self.model.search_q(term)  # type: ignore[attr-defined]
        if extra is not None:
            ways.append(rows.filter(extra))
        first, *others = [way.order_by().values("pk") for way in ways]
        return self.filter(pk__in=first.union(*others))
