"""The change side of the incident and problem consoles: "caused by change…" on
incidents, "fixed by change…" on problems. ``changes.wiring`` plugs them in."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from changes.forms import PickChangeForm
from changes.links import change_link_incident, change_link_problem
from kernel.admin.actions import ask, for_each
from kernel.admin.pages import acting_user
from kernel.admin.ticket import TicketAdmin


def _link_action(
    name: str, description: str, link: Callable[..., None]
) -> Callable[..., HttpResponse | None]:
    def action(
        modeladmin: TicketAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        answer = ask(modeladmin, request, queryset, PickChangeForm, description.rstrip("…"))
        if isinstance(answer, HttpResponse):
            return answer
        change = answer.cleaned_data["change"]
        for_each(
            modeladmin,
            request,
            queryset,
            lambda ticket: link(change, ticket, by=acting_user(request)),
            f"Linked {{count}} record(s) to {change.number}.",
        )
        return None

    action.__name__ = name
    return admin.action(description=description, permissions=["change"])(action)


mark_caused_by_change = _link_action(
    "mark_caused_by_change", "Mark as caused by a change…", change_link_incident
)
mark_fixed_by_change = _link_action(
    "mark_fixed_by_change", "Mark as fixed by a change…", change_link_problem
)
