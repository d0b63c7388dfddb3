"""Bulk actions on the incident list. Each loops over a workflow call per incident and
reports every refusal by number; none touches the rows directly."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from catalog.models import Team
from incidents.forms import AssignGroupForm
from incidents.models import Incident
from incidents.workflow import incident_assign_group, incident_update
from kernel.admin.actions import ask, for_each, move_action
from kernel.admin.pages import acting_user

if TYPE_CHECKING:
    from incidents.admin.incident import IncidentAdmin


@admin.action(description="Assign to me", permissions=["change"])
def assign_to_me(
    modeladmin: "IncidentAdmin", request: HttpRequest, queryset: QuerySet[Incident]
) -> None:
    me = acting_user(request)
    for_each(
        modeladmin,
        request,
        queryset,
        lambda incident: incident_update(
            incident, by=me, changes={"assigned_to": me}, reason="Taken from the list"
        ),
        "Assigned {count} incident(s) to you.",
    )


@admin.action(description="Assign to group…", permissions=["change"])
def assign_to_group(
    modeladmin: "IncidentAdmin", request: HttpRequest, queryset: QuerySet[Incident]
) -> HttpResponse | None:
    answer = ask(
        modeladmin,
        request,
        queryset,
        AssignGroupForm,
        f"Assign {queryset.count()} incident(s) to a group",
    )
    if isinstance(answer, HttpResponse):
        return answer
    team: Team = answer.cleaned_data["team"]
    for_each(
        modeladmin,
        request,
        queryset,
        lambda incident: incident_assign_group(incident, by=acting_user(request), team=team),
        f"Assigned {{count}} incident(s) to {team}.",
    )
    return None


resolve_selected = move_action(
    "resolve", description="Resolve…", done="Resolved {count} incident(s)."
)
cancel_selected = move_action(
    "cancel",
    description="Cancel…",
    done="Canceled {count} incident(s).",
    permissions=["cancel"],
)
