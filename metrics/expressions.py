"""The two SQL pieces every metric is built from: the seconds between two timestamps of
a row, and the continuous percentile of a column. Both compile on PostgreSQL and SQLite
with the same meaning (docs/metrics.md#how-it-is-computed)."""

from typing import Any

from django.db.models import Aggregate, Expression, F, FloatField, Func

from metrics import sqlite


class Seconds(Func):
    """``end - start`` in seconds (a float; NULL when either is NULL)."""

    output_field = FloatField()
    # date_part, not EXTRACT: since PostgreSQL 14 EXTRACT returns numeric, and numeric
    # arithmetic and sorting for the percentiles cost twice the time of double precision
    # over a year of incidents (bench/metrics.py). The same seconds either way.
    template = "date_part('epoch', (%(expressions)s))"
    arg_joiner = " - "

    def __init__(self, end: str | Expression, start: str | Expression) -> None:
        super().__init__(_ref(end), _ref(start))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores SQLite datetimes as text; julianday() reads them. Rounded to the
        # millisecond: a day number's float carries about 40 microseconds of noise.
        return self.as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra,
        )


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``; on SQLite the
    aggregate ``metrics.sqlite`` registers, with the same definition."""

    name = "Percentile"
    function = "percentile_cont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def __init__(self, expression: str | Expression, fraction: float, **extra: Any) -> None:
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("A percentile's fraction is between 0 and 1.")
        # A literal, not a parameter: a float the code chose, and PostgreSQL wants the
        # fraction typed as double precision, which a bare parameter would not be.
        super().__init__(_ref(expression), fraction=repr(fraction), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function=sqlite.FUNCTION,
            template="%(function)s(%(expressions)s, %(fraction)s)%(filter)s",
            **extra,
        )


def _ref(value: str | Expression) -> Any:
    return F(value) if isinstance(value, str) else value
