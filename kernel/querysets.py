"""Queries every ticket list shares, shaped so the database's indexes can answer them."""

import re
from typing import Self

from django.db import models


class TicketQuerySet[T: models.Model](models.QuerySet[T]):
    def search(self, term: str) -> Self:
        """A ticket number (or its prefix) or words of the title, plus whatever the ticket
        type adds (``search_q``). A number goes to the number's index alone: a case-
        insensitive match or an OR with the title would scan every row."""
        term = term.strip()
        if not term:
            return self
        prefix: str = getattr(self.model, "NUMBER_PREFIX", "")
        upper = term.upper()
        if prefix and re.fullmatch(rf"{re.escape(prefix)}\d+", upper):
            return self.filter(number__startswith=upper)
        query = models.Q(title__icontains=term)
        extra = self.model.search_q(term)  # type: ignore[attr-defined]
        if extra is not None:
            query |= extra
        return self.filter(query)
