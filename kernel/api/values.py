"""Values PostgreSQL refuses to store or compare, caught before a query carries them.

A query that binds one fails in the database (``DataError``), which the API would answer
500. Filters (``kernel.api.filters``) and cursors (``kernel.api.pagination``) check what
they parsed here and answer 400 instead.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
# PostgreSQL takes UTC offsets up to 15:59 either way ("time zone displacement out of
# range" beyond); Python's go up to 23:59.
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)


def refusal(value: Any) -> str | None:
    """Why PostgreSQL would refuse ``value`` as a query parameter, or None if it takes it.
    Lists (a multiple-choice filter's) are checked item by item."""
    if isinstance(value, str):
        return "Null characters are not allowed." if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        if not BIGINT_MIN <= value <= BIGINT_MAX:
            return "The number is out of range."
        return None
    if isinstance(value, dt.datetime):
        return _datetime_refusal(value)
    if isinstance(value, list | tuple | set | frozenset):
        return next(filter(None, map(refusal, value)), None)
    return None


def _datetime_refusal(value: dt.datetime) -> str | None:
    offset = value.utcoffset()
    if offset is None:
        return None
    if abs(offset) > MAX_UTC_OFFSET:
        return "The UTC offset is out of range (at most ±15:59)."
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        return "The date is out of range."
    return None


def in_utc(value: Any) -> Any:
    """An aware datetime moved to UTC (whatever offset the client wrote, the database is
    then sent one it takes); anything else unchanged. Call after ``refusal``."""
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value.astimezone(dt.UTC)
    return value
