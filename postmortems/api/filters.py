"""Query parameters of ``GET /api/v1/postmortems/`` and ``GET /api/v1/action-items/``."""

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from kernel.api.filters import FilterSet, IdFilter
from postmortems.action_items import overdue
from postmortems.models import ActionItem, ItemState, Kind, Postmortem, Status


class PostmortemFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, distinct=False, help_text="Repeat to match any of several states."
    )
    service = IdFilter()
    incident = django_filters.CharFilter(
        method="filter_incident", help_text="The incident's number."
    )

    class Meta:
        model = Postmortem
        fields: list[str] = []

    def filter_incident(
        self, queryset: QuerySet[Postmortem], name: str, value: str
    ) -> QuerySet[Postmortem]:
        return queryset.filter(incident__number=value.strip().upper())


class ActionItemFilter(FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=ItemState.choices, distinct=False, help_text="Repeat to match any of several."
    )
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices, distinct=False)
    owner = IdFilter(help_text="The owner's user id.")
    team = IdFilter(field_name="owner__teams", help_text="A team id: items its members own.")
    postmortem = django_filters.CharFilter(
        method="filter_postmortem", help_text="The postmortem's number."
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="Open or in progress, and past their due date."
    )

    class Meta:
        model = ActionItem
        fields: list[str] = []

    def filter_postmortem(
        self, queryset: QuerySet[ActionItem], name: str, value: str
    ) -> QuerySet[ActionItem]:
        return queryset.filter(postmortem__number=value.strip().upper())

    def filter_overdue(
        self, queryset: QuerySet[ActionItem], name: str, value: bool
    ) -> QuerySet[ActionItem]:
        late = overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)
