"""``percentile_cont`` for SQLite (``make run``), which has none: an aggregate function
registered on every new connection (``metrics.wiring``). Same definition as PostgreSQL's:
the value at fraction ``f`` of the sorted non-null values, interpolated linearly between
the two nearest ranks (position ``f * (n - 1)``, counted from 0)."""

import math
import sqlite3
from typing import Any

FUNCTION = "sd_percentile_cont"


def interpolate(ordered: list[float], fraction: float) -> float | None:
    """The textbook continuous percentile of already sorted values (None for none)."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class PercentileCont:
    """SQLite calls ``step`` per row and ``finalize`` once per group."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = float(fraction)
        if value is not None:  # like PostgreSQL: NULLs do not count
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return interpolate(sorted(self.values), self.fraction)


def register(connection: sqlite3.Connection) -> None:
    """Give one SQLite connection the aggregate (also used on a bare in-memory one)."""
    connection.create_aggregate(FUNCTION, 2, PercentileCont)  # type: ignore[arg-type]


def on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: only SQLite needs it."""
    if connection.vendor == "sqlite":
        register(connection.connection)
