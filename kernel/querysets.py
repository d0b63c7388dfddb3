"""Queries every ticket list shares, shaped so the database's indexes can answer them."""

import re
from typing import TYPE_CHECKING, Self

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection, models
from django.db.models.sql.compiler import SQLCompiler

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper


class StoredVector(models.Expression):
    """The row's ``search_vector`` column, which only PostgreSQL has and no model
    declares (so forms, history and serializers never carry it)."""

    output_field = SearchVectorField()

    def as_sql(
        self, compiler: SQLCompiler, connection: "BaseDatabaseWrapper"
    ) -> tuple[str, tuple[str | int, ...]]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.search_vector", ()


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
        query = models.Q(title__icontains=term)
        rows = self
        if connection.vendor == "postgresql":
            rows = self.alias(search_vector=StoredVector())
            query |= models.Q(
                search_vector=SearchQuery(term, config="english", search_type="websearch")
            )
        else:
            query |= models.Q(description__icontains=term)
        extra = self.model.search_q(term)  # type: ignore[attr-defined]
        if extra is not None:
            query |= extra
        return rows.filter(query)
