"""Time zones people type in (a schedule's, a calendar's, their own quiet hours'): one
check, so every form refuses the same way."""

from functools import cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError


@cache
def known_time_zones() -> frozenset[str]:
    # Reads the zone database from disk: once per process is enough.
    return frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(f"{value!r} is not an IANA time zone (such as Europe/Berlin).")
