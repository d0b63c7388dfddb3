"""Changelist filters an agent needs in one click. Their query-string values are stable,
so a filtered list is a URL worth bookmarking ("saved search")."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from incidents.models import OPEN_STATES, Incident


class QueueFilter(admin.SimpleListFilter):
    """The two queues an agent works from."""

    title = "queue"
    parameter_name = "queue"
    MINE = "mine"
    UNASSIGNED = "unassigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.MINE, "My open incidents"), (self.UNASSIGNED, "Unassigned in my groups")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Incident]) -> QuerySet[Incident]:
        if self.value() == self.MINE:
            return queryset.filter(assigned_to=request.user.pk, status__in=OPEN_STATES)
        if self.value() == self.UNASSIGNED:
            return queryset.filter(
                assigned_to__isnull=True,
                assignment_group__members=request.user.pk,
                status__in=OPEN_STATES,
            )
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"
    ME = "me"
    NOBODY = "nobody"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.ME, "Me"), (self.NOBODY, "Nobody")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Incident]) -> QuerySet[Incident]:
        if self.value() == self.ME:
            return queryset.filter(assigned_to=request.user.pk)
        if self.value() == self.NOBODY:
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class OpenFilter(admin.SimpleListFilter):
    """The bare list shows open incidents: the list an agent works from is the open one,
    and "All" is one click away (``?open=all``). Any other filter or a search looks
    everywhere: "Status: Resolved" lists the resolved ones, a number typed in finds its
    incident, open or not."""

    title = "open / closed"
    parameter_name = "open"
    OPEN = "yes"
    CLOSED = "no"
    ALL = "all"

    # Paging and sorting keep the default; anything else in the query string asks for more.
    KEEPS_DEFAULT = frozenset({"p", "o"})

    def __init__(self, request: HttpRequest, params: Any, model: Any, model_admin: Any) -> None:
        self.bare = not set(request.GET) - self.KEEPS_DEFAULT
        super().__init__(request, params, model, model_admin)

    def value(self) -> str | None:
        chosen: str | None = super().value()
        return self.OPEN if chosen is None and self.bare else chosen

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (self.OPEN, "Open"),
            (self.CLOSED, "Resolved, closed or canceled"),
            (self.ALL, "All"),
        ]

    def has_output(self) -> bool:
        return True

    def choices(self, changelist: Any) -> Any:
        # No "All" that drops the parameter (that would be the default again): every
        # choice names itself in the query string.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Incident]) -> QuerySet[Incident]:
        if self.value() == self.OPEN:
            return queryset.filter(status__in=OPEN_STATES)
        if self.value() == self.CLOSED:
            return queryset.exclude(status__in=OPEN_STATES)
        return queryset
