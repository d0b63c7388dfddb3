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
    title = "open / closed"
    parameter_name = "open"
    OPEN = "yes"
    CLOSED = "no"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.OPEN, "Open"), (self.CLOSED, "Resolved, closed or canceled")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Incident]) -> QuerySet[Incident]:
        if self.value() == self.OPEN:
            return queryset.filter(status__in=OPEN_STATES)
        if self.value() == self.CLOSED:
            return queryset.exclude(status__in=OPEN_STATES)
        return queryset
