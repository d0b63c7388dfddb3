"""Ticket changelists that stay fast at a million rows: an estimated count for the
unfiltered list, and a date hierarchy built from MIN/MAX instead of DISTINCT scans.

Columns and filters a higher app adds to a lower ticket type's list (the SLA's "Time left"
and "SLA" filter on incidents) are registered here from that app's ``wiring.connect()``
(``register_list_column``, ``register_list_filter``) and read by ``TicketAdmin`` per
request. A column brings the annotation it shows and sorts by, so the list stays one query
for its rows whatever it shows."""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections, models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

type Annotate = Callable[[models.QuerySet[Any]], models.QuerySet[Any]]
"""Adds the annotations a plugged column reads (and sorts by) to the changelist's query."""


@dataclass(frozen=True)
class ListColumn:
    """A column on a ticket type's changelist: ``display(obj)`` renders a cell (a function
    decorated with ``@admin.display``, whose ``ordering`` names an annotation ``annotate``
    adds, for the column to sort)."""

    display: Callable[[Any], Any]
    annotate: Annotate | None = None

    @property
    def name(self) -> str:
        return self.display.__name__


_columns: dict[type[models.Model], list[ListColumn]] = {}
_filters: dict[type[models.Model], list[type]] = {}


def register_list_column(
    model: type[models.Model], display: Callable[[Any], Any], *, annotate: Annotate | None = None
) -> None:
    """Show ``display`` as a column of ``model``'s changelist, after its admin's own, with
    ``annotate`` applied to the list's query. Idempotent by the function's name:
    ``ready()`` may run more than once."""
    registered = _columns.setdefault(model, [])
    column = ListColumn(display, annotate)
    registered[:] = [c for c in registered if c.name != column.name] + [column]


def register_list_filter(model: type[models.Model], list_filter: type) -> None:
    """Offer ``list_filter`` (a ``SimpleListFilter``) on ``model``'s changelist, after its
    admin's own. Idempotent by its ``parameter_name``."""
    registered = _filters.setdefault(model, [])
    key = getattr(list_filter, "parameter_name", list_filter.__name__)
    registered[:] = [f for f in registered if getattr(f, "parameter_name", f.__name__) != key] + [
        list_filter
    ]


def list_columns_for(model: type[models.Model]) -> list[ListColumn]:
    return list(_columns.get(model, ()))


def list_filters_for(model: type[models.Model]) -> list[type]:
    return list(_filters.get(model, ()))


def annotate_for_columns(model: type[models.Model], queryset: models.QuerySet[Any]) -> Any:
    for column in _columns.get(model, ()):
        if column.annotate is not None:
            queryset = column.annotate(queryset)
    return queryset


# Below this, counting exactly is cheap enough; above it, PostgreSQL's estimate is used.
EXACT_COUNT_LIMIT = 100_000


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered PostgreSQL table from its statistics instead of ``COUNT(*)``,
    which reads every row; filtered lists (what agents page through) are counted exactly."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, models.QuerySet) and not queryset.query.where:
            estimate = estimated_rows(queryset.model, queryset.db)
            if estimate is not None and estimate > EXACT_COUNT_LIMIT:
                return estimate
        return super().count


def estimated_rows(model: type[models.Model], using: str) -> int | None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


def date_hierarchy(cl: ChangeList) -> dict[str, Any]:
    """Django's admin date hierarchy, but each level's links come from the MIN/MAX of the
    listed rows (one indexed query) rather than ``SELECT DISTINCT date_trunc(...)`` over
    all of them. A period with no tickets between the first and last can appear as a link
    to an empty list; on a service desk that is rare and harmless."""
    field_name: str = cl.date_hierarchy
    params = {part: cl.params.get(f"{field_name}__{part}") for part in ("year", "month", "day")}
    year, month, day = (int(v) if v else None for v in params.values())

    def link(filters: dict[str, int]) -> str:
        query: str = cl.get_query_string(
            {f"{field_name}__{k}": v for k, v in filters.items()}, [f"{field_name}__"]
        )
        return query

    span = cl.queryset.aggregate(first=models.Min(field_name), last=models.Max(field_name))
    first, last = span["first"], span["last"]
    context: dict[str, Any] = {
        "show": True,
        "field_name": getattr(cl.model._meta.get_field(field_name), "verbose_name", field_name),
    }
    if first is None or last is None:
        return {**context, "choices": []}
    if timezone.is_aware(first):
        first, last = timezone.localtime(first), timezone.localtime(last)
    if year is None and first.year == last.year:
        year = first.year
        if first.month == last.month:
            month = first.month

    if year and month and day:
        date = datetime.date(year, month, day)
        return {
            **context,
            "back": {"link": link({"year": year, "month": month}), "title": _month(date)},
            "choices": [{"title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        days = (
            range(first.day, last.day + 1)
            if first.month == last.month
            else range(1, calendar.monthrange(year, month)[1] + 1)
        )
        return {
            **context,
            "back": {"link": link({"year": year}), "title": str(year)},
            "choices": [
                {
                    "link": link({"year": year, "month": month, "day": d}),
                    "title": capfirst(
                        formats.date_format(datetime.date(year, month, d), "MONTH_DAY_FORMAT")
                    ),
                }
                for d in days
            ],
        }
    if year:
        return {
            **context,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({"year": year, "month": m}),
                    "title": _month(datetime.date(year, m, 1)),
                }
                for m in range(first.month, last.month + 1)
            ],
        }
    return {
        **context,
        "choices": [
            {"link": link({"year": y}), "title": str(y)} for y in range(first.year, last.year + 1)
        ],
    }


def _month(date: datetime.date) -> str:
    return capfirst(formats.date_format(date, "YEAR_MONTH_FORMAT"))
