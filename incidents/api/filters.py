"""Query parameters of ``GET /api/v1/incidents/``."""

import django_filters
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field

from incidents.models import OPEN_STATES, Incident, Severity, Status
from kernel.api.filters import DateTimeFilter, FilterSet, IdFilter
from kernel.enums import Priority

# "me", "none" or a user id: integrations ask for "my queue" without knowing their id.
USER_REF_PATTERN = r"^(me|none|[0-9]+)$"
USER_REF = RegexValidator(USER_REF_PATTERN, "Use a user id, 'me' or 'none'.")


@extend_schema_field({"type": "string", "pattern": USER_REF_PATTERN})
class UserRefFilter(django_filters.CharFilter):
    """A user: their id, ``me`` or ``none``."""


class IncidentFilter(FilterSet):
    # distinct=False: these filter one column, so no duplicates can arise, and DISTINCT
    # over a million rows would sort them all.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, distinct=False, help_text="Repeat to match any of several states."
    )
    priority = django_filters.MultipleChoiceFilter(
        choices=Priority.choices,
        distinct=False,
        help_text="Repeat to match any of several priorities.",
    )
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    service = IdFilter()
    assignment_group = IdFilter()
    assigned_to = UserRefFilter(
        method="filter_user",
        validators=[USER_REF],
        help_text="A user id, `me` for the requesting user, or `none` for unassigned.",
    )
    caller = UserRefFilter(
        method="filter_user",
        validators=[USER_REF],
        help_text="A user id, `me` for the requesting user, or `none`.",
    )
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = DateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = DateTimeFilter(field_name="updated_at", lookup_expr="lt")
    open = django_filters.BooleanFilter(
        method="filter_open", help_text="true: New, In Progress or On Hold; false: the rest."
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="A number or its prefix, words of the title, or the caller's username or email.",
    )

    class Meta:
        model = Incident
        fields: list[str] = []

    def filter_user(
        self, queryset: QuerySet[Incident], name: str, value: str
    ) -> QuerySet[Incident]:
        if value == "none":
            return queryset.filter(**{f"{name}__isnull": True})
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(**{name: getattr(user, "pk", None)})
        return queryset.filter(**{f"{name}_id": int(value)})

    def filter_open(
        self, queryset: QuerySet[Incident], name: str, value: bool
    ) -> QuerySet[Incident]:
        if value:
            return queryset.filter(status__in=OPEN_STATES)
        return queryset.exclude(status__in=OPEN_STATES)

    def filter_search(
        self, queryset: QuerySet[Incident], name: str, value: str
    ) -> QuerySet[Incident]:
        return queryset.search(value)  # type: ignore[attr-defined]
