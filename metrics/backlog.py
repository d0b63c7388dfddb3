"""The backlog: incidents open at the scope's end (or now), by age; one query
(docs/metrics.md#backlog)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet

from incidents.models import Incident
from metrics.scope import Scope

# (key, label, younger than): the last bucket has no upper bound.
BUCKETS: tuple[tuple[str, str, timedelta | None], ...] = (
    ("lt_1d", "< 1 day", timedelta(days=1)),
    ("1d_3d", "1-3 days", timedelta(days=3)),
    ("3d_7d", "3-7 days", timedelta(days=7)),
    ("7d_30d", "7-30 days", timedelta(days=30)),
    ("gt_30d", "> 30 days", None),
)


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    incidents: int


def open_at(scope: Scope) -> QuerySet[Incident]:
    """Reported before the instant, neither resolved nor closed (or canceled) by then.
    Read from the timestamps, so a past instant counts what was open then; a reopened
    incident has no resolved time again."""
    at = scope.at
    unresolved, unclosed = Q(resolved_at__isnull=True), Q(closed_at__isnull=True)
    resolved_later, closed_later = Q(resolved_at__gt=at), Q(closed_at__gt=at)
    # (unresolved or resolved later) and (unclosed or closed later), spelled as four
    # alternatives so each has an index: the open ones' partial index (inc_metrics_open),
    # and those on resolved_at and closed_at for an instant in the past.
    still_open = (
        (unresolved & unclosed)
        | (unresolved & closed_later)
        | (resolved_later & unclosed)
        | (resolved_later & closed_later)
    )
    return (
        Incident.objects.using(scope.using)
        .filter(scope.filters_q(), still_open, reported_at__lte=at)
        .order_by()
    )


def backlog(scope: Scope) -> list[Bucket]:
    at, older, aggregates = scope.at, None, {}
    for key, _label, younger in BUCKETS:
        # age = at - reported_at; "younger than d" is "reported after at - d".
        q = Q()
        if younger is not None:
            q &= Q(reported_at__gt=at - younger)
        if older is not None:
            q &= Q(reported_at__lte=at - older)
        aggregates[key] = Count("pk", filter=q)
        older = younger
    row = open_at(scope).aggregate(**aggregates)
    return [Bucket(key, label, row[key]) for key, label, _ in BUCKETS]
