"""Human ticket numbers: INC0001234, PRB0001234, CHG0001234."""

from django.db import connection, transaction

from kernel.models import NumberSequence

WIDTH = 7


def format_number(prefix: str, value: int) -> str:
    return f"{prefix}{value:0{WIDTH}d}"


def parse_number(prefix: str, number: str) -> int | None:
    digits = number[len(prefix) :]
    if not number.startswith(prefix) or not (digits.isascii() and digits.isdigit()):
        return None
    return int(digits)


def next_number(prefix: str) -> str:
    """Hand out the next number. The row lock serializes concurrent creators for the rest
    of their transaction, which keeps numbers gap-free and unique on every database."""
    return next_numbers(prefix, 1)[0]


def reserve_up_to(prefix: str, number: str) -> None:
    """Make sure the sequence never hands out ``number`` again (imports keep their
    original numbers)."""
    value = parse_number(prefix, number)
    if value is None:
        return
    with transaction.atomic():
        NumberSequence.objects.get_or_create(prefix=prefix)
        NumberSequence.objects.filter(prefix=prefix, last__lt=value).update(last=value)


def next_numbers(prefix: str, count: int) -> list[str]:
    """Hand out ``count`` numbers at once (one for each ticket created, many for bulk
    imports). One statement (an upsert returning the new value; PostgreSQL, and SQLite
    3.35+), where the ORM would need four: it runs on every ticket created."""
    if count < 1:
        return []
    quote = connection.ops.quote_name
    table = quote(NumberSequence._meta.db_table)
    key, last = quote("prefix"), quote("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {last}) VALUES (%s, %s) "  # noqa: S608 (names only)  # nosec B608
            f"ON CONFLICT ({key}) DO UPDATE SET {last} = {table}.{last} + %s RETURNING {last}",
            [prefix, count, count],
        )
        (value,) = cursor.fetchone()
    return [format_number(prefix, n) for n in range(value - count + 1, value + 1)]
