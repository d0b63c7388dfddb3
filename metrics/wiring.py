"""Everything metrics plugs into, in one place; ``AppConfig.ready()`` calls ``connect()``.
Nothing registers itself on import."""

from django.db.backends.signals import connection_created

from metrics import sqlite


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # SQLite (``make run``) has no percentile_cont: each new connection gets ours.
    connection_created.connect(sqlite.on_connection, dispatch_uid="metrics.sqlite.percentile")
