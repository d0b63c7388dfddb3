"""The problem side of the incident console: two bulk actions on the incident list and
the known errors suggested on an incident's change form. ``problems.wiring`` plugs them in
through the kernel's registries, so the incident admin imports nothing from here."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from incidents.models import Incident
from kernel.admin.actions import ask, for_each
from kernel.admin.pages import acting_user
from kernel.admin.panels import Panel, PanelRow
from kernel.admin.ticket import TicketAdmin
from kernel.errors import WorkflowError
from problems.forms import PickProblemForm
from problems.queries import known_errors_for
from problems.workflow import problem_create_from_incidents, problem_link_incident


@admin.action(description="Create a problem from these incidents", permissions=["change"])
def create_problem(
    modeladmin: TicketAdmin[Incident], request: HttpRequest, queryset: QuerySet[Incident]
) -> HttpResponse | None:
    incidents = list(queryset.select_related("service", "category").order_by("reported_at"))
    try:
        problem = problem_create_from_incidents(incidents, by=acting_user(request))
    except WorkflowError as exc:
        modeladmin.message_user(request, exc.message, messages.ERROR)
        return None
    modeladmin.message_user(
        request, f"{problem.number} created from {len(incidents)} incident(s).", messages.SUCCESS
    )
    return HttpResponseRedirect(reverse("admin:problems_problem_change", args=[problem.pk]))


@admin.action(description="Link to a problem…", permissions=["change"])
def link_to_problem(
    modeladmin: TicketAdmin[Incident], request: HttpRequest, queryset: QuerySet[Incident]
) -> HttpResponse | None:
    answer = ask(
        modeladmin,
        request,
        queryset,
        PickProblemForm,
        f"Link {queryset.count()} incident(s) to a problem",
    )
    if isinstance(answer, HttpResponse):
        return answer
    problem = answer.cleaned_data["problem"]
    for_each(
        modeladmin,
        request,
        queryset,
        lambda incident: problem_link_incident(problem, incident, by=acting_user(request)),
        f"Linked {{count}} incident(s) to {problem.number}.",
    )
    return None


def known_error_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """Open known errors on the incident's service or category, each with its workaround
    and a one-click link, while the incident is open and has no problem yet."""
    if not incident.is_open or hasattr(incident, "problem_link"):
        return None
    may_link = request.user.has_perm("problems.change_problem")
    rows = [
        PanelRow(
            problem,
            note=f"Workaround: {problem.workaround}",
            action_url=(
                reverse("admin:problems_problem_link_incident", args=[problem.pk, incident.pk])
                if may_link
                else ""
            ),
            action_label="Link this known error",
        )
        for problem in known_errors_for(incident)[:10]
    ]
    return Panel("Known errors that may apply", rows, empty="No known error matches.")
