"""Migration operations for what only PostgreSQL has (trigram indexes, stored full-text
vectors). On other databases (the SQLite embedded default) they do nothing: the queries still
work there, just without the index."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState


class PostgresOnlySQL(migrations.RunSQL):
    """SQL that runs on PostgreSQL and is a no-op on any other database."""

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, *args: Any, **kwargs: Any) -> None:
        schema_editor: BaseDatabaseSchemaEditor = args[1]
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(*args, **kwargs)


class TrigramSearchIndex(PostgresOnlySQL):
    """A GIN trigram index on ``UPPER(column::text)``: the expression Django's
    ``icontains`` compiles to on PostgreSQL, so title searches use it."""

    def __init__(self, table: str, column: str, name: str) -> None:
        super().__init__(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
            ],
            reverse_sql=[f'DROP INDEX IF EXISTS "{name}"'],
        )


class TextSearchColumn(PostgresOnlySQL):
    """A stored ``tsvector`` column kept by PostgreSQL itself (``GENERATED ALWAYS AS``)
    and its GIN index: what ``kernel.search`` ranks by. Django's models do not declare
    it (SQLite has no such column and searches with ``icontains``), so history tables,
    forms and serializers never see it; ``vector`` is the SQL of the column's value."""

    def __init__(self, table: str, vector: str, index: str) -> None:
        super().__init__(
            sql=[
                f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS search_vector tsvector '
                f"GENERATED ALWAYS AS ({vector}) STORED",
                f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" USING gin (search_vector)',
            ],
            reverse_sql=[
                f'DROP INDEX IF EXISTS "{index}"',
                f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS search_vector',
            ],
        )


def weighted(*columns: tuple[str, str]) -> str:
    """The SQL of a ticket's text vector: each (column, weight A-D) in English."""
    return " || ".join(
        f"setweight(to_tsvector('english'::regconfig, coalesce(\"{column}\", '')), '{weight}')"
        for column, weight in columns
    )


# Comments and work notes are searched; events (their bodies are system text) are not.
NOTES_VECTOR = (
    "CASE WHEN kind IN ('comment', 'work_note') THEN to_tsvector('english'::regconfig, body) END"
)
