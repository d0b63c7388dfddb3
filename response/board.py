"""The major-incident board's rows: open declared incidents with what the board shows,
read in a fixed number of queries whatever their number (annotations, one prefetch)."""

from typing import cast

from django.db.models import Count, F, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from incidents.models import OPEN_STATES, Incident, IncidentRole, Role
from response.models import StakeholderUpdate


def board_rows[M: Incident](incidents: QuerySet[M]) -> QuerySet[M]:
    """``incidents`` narrowed to open major ones, each with ``impact_since`` (impact
    started, else detected, else reported), ``last_update_at``, ``next_update_due``,
    ``child_count`` and ``commanders`` (a list of roles, prefetched)."""
    last_update = (
        StakeholderUpdate.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    children = (
        Incident.objects.filter(major_incident=OuterRef("pk"))
        .order_by()
        .values("major_incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    commanders = IncidentRole.objects.filter(role=Role.COMMANDER).select_related("user")
    rows = (
        incidents.filter(major_since__isnull=False, status__in=OPEN_STATES)
        .select_related("service")
        .annotate(
            impact_since=Coalesce("impact_started_at", "detected_at", "reported_at"),
            last_update_at=Subquery(last_update),
            next_update_due=F("cadence__next_update_due"),
            child_count=Coalesce(Subquery(children), 0),
        )
        .prefetch_related(Prefetch("roles", queryset=commanders, to_attr="commanders"))
    )
    return cast(QuerySet[M], rows)  # the stubs type the annotated rows as another model
