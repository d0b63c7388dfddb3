"""Rate limits on the portal's writes, on django-ratelimit's counters in the default
cache (production needs a shared cache: CACHE_URL=redis://...).

What counts (docs/portal.md): per user, incidents actually reported; per IP, every
submitted report form, valid or not (a flood of junk posts is still a flood). "Check for
known issues" re-renders create nothing and count nowhere. Failed sign-ins are counted by
django-axes instead (``accounts.lockout``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import _split_rate, get_usage

_PERIODS = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    period: int
    time_left: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def full(self) -> bool:
        return self.count >= self.limit

    @property
    def period_words(self) -> str:
        if self.period in _PERIODS:
            return _PERIODS[self.period]
        if self.period % 60 == 0:
            return f"{self.period // 60} minutes"
        return f"{self.period} seconds"

    @property
    def wait_words(self) -> str:
        minutes = max(1, round(self.time_left / 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _usage(request: HttpRequest, group: str, key: str, rate: str, *, count: bool) -> Usage:
    usage = get_usage(request, group=group, key=key, rate=rate, increment=count)
    if usage is None:  # ratelimiting switched off (RATELIMIT_ENABLE = False)
        return Usage(0, 1 << 30, 3600, 0)
    seconds = _period_seconds(rate)
    return Usage(usage["count"], usage["limit"], seconds, usage["time_left"])


def _period_seconds(rate: str) -> int:
    return int(_split_rate(rate)[1])


def reports_by_user(request: HttpRequest, *, count: bool = False) -> Usage:
    return _usage(
        request, "portal:report-user", "user", settings.PORTAL_REPORT_RATE_USER, count=count
    )


def reports_from_ip(request: HttpRequest, *, count: bool = False) -> Usage:
    return _usage(request, "portal:report-ip", "ip", settings.PORTAL_REPORT_RATE_IP, count=count)
