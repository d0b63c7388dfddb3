""" "Link to a major incident…" on the incident changelist (``response.wiring`` plugs it
in): asks once for the open major incident, then links each selected incident as its
child through ``incidents.major.incident_link_major``, reporting each refusal."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from incidents.major import incident_link_major
from kernel.admin.actions import ask, for_each
from kernel.admin.pages import acting_user
from kernel.admin.ticket import TicketAdmin
from response.forms import PickMajorForm


@admin.action(description="Link to a major incident…", permissions=["change"])
def link_to_major_incident(
    modeladmin: TicketAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    answer = ask(modeladmin, request, queryset, PickMajorForm, "Link to a major incident")
    if isinstance(answer, HttpResponse):
        return answer
    parent = answer.cleaned_data["parent"]
    for_each(
        modeladmin,
        request,
        queryset.exclude(pk=parent.pk),
        lambda child: incident_link_major(child, by=acting_user(request), parent=parent),
        f"Linked {{count}} incident(s) to {parent.number}.",
    )
    return None
