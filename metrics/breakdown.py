"""Incidents per service, category, team (the assignment group), status and priority: each
one GROUP BY query, or all five from one scan of the period (docs/metrics.md#breakdowns)."""

from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Avg, Case, Count, IntegerField, Q, Value, When

from incidents.models import OPEN_STATES, Incident, Status
from kernel.enums import Priority
from metrics.expressions import Seconds
from metrics.scope import Scope, incidents

DIMENSIONS = {
    "service": "service",
    "category": "category",
    "team": "assignment_group",
    "status": "status",
    "priority": "priority",
}
# The dimensions that are a choice of the incident, not a record: named by the choice's
# label (read here, not joined), ordered by value where the counts tie.
CHOICES: dict[str, dict[int, str]] = {
    "status": dict(Status.choices),
    "priority": dict(Priority.choices),
}


@dataclass(frozen=True)
class Share:
    dimension: str
    id: int | None
    """None: incidents without one."""
    name: str
    incidents: int
    open: int
    """Of them, still open now."""
    mttr_resolve_mean: float | None


# What a share counts per group, in every query that makes shares.
SHARE_AGGREGATES: dict[str, Any] = {
    "total": Count("pk"),
    "still_open": Count("pk", filter=Q(status__in=OPEN_STATES)),
    "mttr": Avg(Seconds("resolved_at", "reported_at")),
}


def share(
    dimension: str, id_: int | None, name: str | None, total: int, still_open: int, mttr: Any
) -> Share:
    """One group's row as a ``Share`` (however the query was shaped)."""
    return Share(
        dimension=dimension,
        id=id_,
        name=name or "(none)",
        incidents=total,
        open=still_open,
        mttr_resolve_mean=None if mttr is None else float(mttr),
    )


def breakdown(scope: Scope, dimension: str, limit: int | None = None) -> list[Share]:
    """Most incidents first (then by name, then id); ``limit`` keeps the top ones."""
    field = DIMENSIONS[dimension]
    named = () if dimension in CHOICES else (f"{field}__name",)
    rows = (
        incidents(scope)
        .values(field, *named)
        .annotate(**SHARE_AGGREGATES)
        .order_by("-total", *named, field)
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        share(
            dimension,
            row[field],
            _name(dimension, row[field], row.get(f"{field}__name")),
            row["total"],
            row["still_open"],
            row["mttr"],
        )
        for row in rows
    ]


def _name(dimension: str, id_: int | None, name: str | None) -> str | None:
    labels = CHOICES.get(dimension)
    if labels is None or id_ is None:
        return name
    return labels.get(id_, str(id_))


# The tables in one statement, ordered as ``breakdown`` orders each (dimension, most
# incidents first, then name, then id; positions, so the alias cannot meet a column's
# name). A choice dimension has no name here (NULL): its id orders it.
_SQL = """
WITH i AS ({inner}), g AS ({grouped})
SELECT g.dim, g.id, COALESCE({names}) AS name, g.total, g.still_open, g.mttr
FROM g {joins}
ORDER BY 1, 4 DESC, 3, 2
"""

# PostgreSQL: one pass over the period's rows, a hash table per grouping set.
_GROUPING_SETS = """
SELECT CASE {dim_case} END AS dim, CASE {id_case} END AS id,
       COUNT(*) AS total, COUNT(i.open_now) AS still_open, AVG(i.resolve_seconds) AS mttr
FROM i GROUP BY GROUPING SETS ({sets})
"""

# SQLite has no GROUPING SETS: the same groups, one GROUP BY per dimension.
_ONE_DIMENSION = """
SELECT {dim} AS dim, i.{column} AS id,
       COUNT(*) AS total, COUNT(i.open_now) AS still_open, AVG(i.resolve_seconds) AS mttr
FROM i GROUP BY i.{column}
"""


def all_breakdowns(scope: Scope) -> list[Share]:
    """The tables one after another (the API's and the CSV's rows): what ``breakdown``
    answers per dimension, from one statement that reads the period's incidents once (a
    year is half a million rows; five GROUP BYs read them five times)."""
    connection = connections[scope.using]
    quote = connection.ops.quote_name
    columns, tables = [], {}
    for n, (dimension, field) in enumerate(DIMENSIONS.items()):
        columns.append(quote(field))  # the inner query's alias (``values``)
        if dimension not in CHOICES:
            related = Incident._meta.get_field(field).related_model
            tables[n] = quote(related._meta.db_table)  # type: ignore[union-attr]
    rows = incidents(scope).annotate(
        open_now=Case(When(status__in=OPEN_STATES, then=Value(1)), output_field=IntegerField()),
        resolve_seconds=Seconds("resolved_at", "reported_at"),
    )
    inner, params = (
        rows.values(*DIMENSIONS.values(), "open_now", "resolve_seconds")
        .query.get_compiler(using=scope.using)
        .as_sql()
    )
    if connection.vendor == "postgresql":
        dim_case = " ".join(
            f"WHEN GROUPING(i.{column}) = 0 THEN {n}" for n, column in enumerate(columns)
        )
        id_case = " ".join(f"WHEN GROUPING(i.{column}) = 0 THEN i.{column}" for column in columns)
        sets = ", ".join(f"(i.{column})" for column in columns)
        grouped = _GROUPING_SETS.format(dim_case=dim_case, id_case=id_case, sets=sets)
    else:
        grouped = " UNION ALL ".join(
            _ONE_DIMENSION.format(dim=n, column=column) for n, column in enumerate(columns)
        )
    joins = " ".join(
        f"LEFT JOIN {table} AS d{n} ON g.dim = {n} AND d{n}.id = g.id"
        for n, table in tables.items()
    )
    names = ", ".join(f"d{n}.name" for n in tables)
    sql = _SQL.format(inner=inner, grouped=grouped, names=names, joins=joins)
    dimensions = list(DIMENSIONS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            share(
                dimensions[dim],
                id_,
                _name(dimensions[dim], id_, name),
                total,
                still_open,
                mttr,
            )
            for dim, id_, name, total, still_open, mttr in cursor.fetchall()
        ]
