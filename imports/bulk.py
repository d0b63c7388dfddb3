"""The importer's one write path: a model's table, its columns and rows of values, written
with PostgreSQL's ``COPY`` (psycopg 3's ``cursor.copy()``) or, on SQLite, one
``executemany`` INSERT. No model instance is built and no ``save()`` runs, so nothing
like ``auto_now_add`` rewrites the source's times; the importer writes the history rows
itself (house rule 6: bulk paths write history explicitly)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import Field, JSONField, Model


def _fields(model: type[Model], columns: Sequence[str]) -> list[Field[Any, Any]]:
    by_column = {f.column: f for f in model._meta.concrete_fields}
    return [by_column[name] for name in columns]


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """``count`` primary keys for rows written later with their ids given (incidents, which
    their history and timeline rows point at before any of them is written)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the write lock is held from the first write of the transaction on, and
        # the importer has written before it asks (its lookups), so nobody else can take
        # these ids in between.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608  # nosec B608
        (last,) = cursor.fetchone()
        return list(range(last + 1, last + 1 + count))


def _converters(fields: Sequence[Field[Any, Any]]) -> list[tuple[int, Callable[[Any], Any]]]:
    """(column index, how to turn its value into what the driver takes), for the columns
    whose Python values the driver does not take as they are."""
    if connection.vendor == "postgresql":
        return [(i, _json) for i, f in enumerate(fields) if isinstance(f, JSONField)]
    return [(i, partial(_prepared, f)) for i, f in enumerate(fields)]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _prepared(field: Field[Any, Any], value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def write_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in ``columns`` order) into ``model``'s table; returns how many."""
    fields = _fields(model, columns)
    convert = _converters(fields)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    if convert:
                        row = list(row)
                        for i, fn in convert:
                            row[i] = fn(row[i])
                    copy.write_row(row)
                    count += 1
            return count
        batch = []
        for row in rows:
            values = list(row)
            for i, fn in convert:
                values[i] = fn(values[i])
            batch.append(values)
        marks = ", ".join(["%s"] * len(columns))
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608  # nosec B608
        return len(batch)


def update_rows(
    model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, key: str = "id"
) -> None:
    """Set ``columns`` of the rows named by ``key`` (the last value of each row): for the
    few known incidents a later run appends updates to."""
    fields = _fields(model, [*columns, key])
    prepared = [
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
        for row in rows
    ]
    if not prepared:
        return
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(key)} = %s",  # noqa: S608  # nosec B608
            prepared,
        )
