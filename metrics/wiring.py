"""Everything metrics plugs into, in one place; ``AppConfig.ready()`` calls ``connect()``.
Nothing registers itself on import."""

from django.db.backends.signals import connection_created

from kernel.admin.home import register_home_panel
from metrics import home, sqlite


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # SQLite (``make run``) has no percentile_cont: each new connection gets ours.
    connection_created.connect(sqlite.on_connection, dispatch_uid="metrics.sqlite.percentile")
    # The agents' home: the charts.
    register_home_panel("metrics.priority", 20, home.priority_panel)
    register_home_panel("metrics.flow", 30, home.flow_panel)
    register_home_panel("metrics.trend", 40, home.trend_panel)
