"""Reads problem management needs, each one query: the known-error database, the known
errors that match an incident, and incidents recurring without a problem."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from catalog.models import Service
from incidents.models import Incident
from problems.models import Problem, Status


def known_errors() -> QuerySet[Problem]:
    """Open known errors: documented workarounds agents may apply today."""
    return Problem.objects.filter(known_error=True).exclude(status=Status.CLOSED)


def known_errors_for(incident: Incident) -> QuerySet[Problem]:
    """Open known errors on the incident's service or category, not already its problem."""
    match = Q()
    if incident.service_id is not None:
        match |= Q(service_id=incident.service_id)
    if incident.category_id is not None:
        match |= Q(category_id=incident.category_id)
    if not match:
        return Problem.objects.none()
    return (
        known_errors()
        .filter(match)
        .exclude(incident_links__incident=incident)
        .select_related("service", "category")
        .order_by("priority", "-known_error_at")
    )


def title_words(text: str, *, most: int = 6) -> list[str]:
    """The words of ``text`` worth matching on: four letters or more, longest first."""
    words = {word.lower() for word in "".join(c if c.isalnum() else " " for c in text).split()}
    return sorted((w for w in words if len(w) >= 4), key=lambda w: (-len(w), w))[:most]


def known_errors_matching(service: Service, text: str = "") -> QuerySet[Problem]:
    """Open known errors an end user reporting on ``service`` may be hitting: those on the
    service, and those whose title shares a word with ``text`` on a public service (or on
    none), so that the portal never shows problems of internal services."""
    match = Q(service=service)
    words = title_words(text)
    if words:
        by_title = Q()
        for word in words:
            by_title |= Q(title__icontains=word)
        match |= by_title & (Q(service__isnull=True) | Q(service__is_public=True))
    return known_errors().filter(match).order_by("priority", "-known_error_at")


@dataclass(frozen=True)
class Recurring:
    """A service or category with many recent incidents and no problem behind them."""

    kind: str
    """``service`` or ``category``"""
    id: int
    name: str
    incidents: int


def recurring_candidates(*, minimum: int, days: int) -> list[Recurring]:
    """Services and categories with at least ``minimum`` incidents in the last ``days``
    days none of which is linked to a problem: candidates for a new problem."""
    since = timezone.now() - timedelta(days=days)
    unexplained = Incident.objects.filter(reported_at__gte=since, problem_link__isnull=True)
    found: list[Recurring] = []
    for kind in ("service", "category"):
        rows = (
            unexplained.filter(**{f"{kind}__isnull": False})
            .values(kind, f"{kind}__name")
            .annotate(count=Count("pk"))
            .filter(count__gte=minimum)
            .order_by("-count", f"{kind}__name")
        )
        found += [Recurring(kind, row[kind], row[f"{kind}__name"], row["count"]) for row in rows]
    return found
