"""Query parameters of ``GET /api/v1/problems/`` and ``GET /api/v1/known-errors/``."""

import django_filters
from django.db.models import Q, QuerySet

from incidents.models import Incident
from kernel.api.filters import FilterSet, IdFilter
from kernel.enums import Priority
from problems.models import Problem, Status
from problems.queries import known_errors_for


class ProblemFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, distinct=False, help_text="Repeat to match any of several states."
    )
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    known_error = django_filters.BooleanFilter()
    service = IdFilter()
    category = IdFilter()
    assignment_group = IdFilter()
    search = django_filters.CharFilter(
        method="filter_search", help_text="A number or its prefix, or words of the title."
    )

    class Meta:
        model = Problem
        fields: list[str] = []

    def filter_search(
        self, queryset: QuerySet[Problem], name: str, value: str
    ) -> QuerySet[Problem]:
        return queryset.search(value)  # type: ignore[attr-defined]


class KnownErrorFilter(FilterSet):
    service = IdFilter()
    category = IdFilter()
    incident = django_filters.CharFilter(
        method="filter_incident",
        help_text="An incident number: the known errors suggested for it (same service or "
        "category, not already its problem).",
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Words of the title, workaround or root cause."
    )

    class Meta:
        model = Problem
        fields: list[str] = []

    def filter_incident(
        self, queryset: QuerySet[Problem], name: str, value: str
    ) -> QuerySet[Problem]:
        incident = Incident.objects.filter(number=value.strip().upper()).first()
        if incident is None:
            return queryset.none()
        return queryset.filter(pk__in=known_errors_for(incident).values("pk"))

    def filter_search(
        self, queryset: QuerySet[Problem], name: str, value: str
    ) -> QuerySet[Problem]:
        return queryset.filter(
            Q(title__icontains=value)
            | Q(workaround__icontains=value)
            | Q(root_cause__icontains=value)
            | Q(number__startswith=value.strip().upper())
        )
