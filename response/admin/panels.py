"""Panels on the incident's change form (``kernel.admin.panels``, plugged in by
``response.wiring``): the major incident (roles, war room, children, scribe entry), its
stakeholder updates, its milestones, and, on an incident of a service with an open major
incident, the suggestion to link it as a child. Their forms post to the board admin's
pages (``response.admin.views``)."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from incidents.major import role_holders
from incidents.milestones import MILESTONES
from incidents.models import OPEN_STATES, Incident, Role
from kernel.admin.panels import Panel, PanelRow
from response.admin.views import FORMS, VIEW_PERMISSION
from response.markdown import iso
from response.models import Cadence, Stakeholder, StakeholderUpdate
from response.updates import may_lead

FORM_TEMPLATE = "admin/response/panel_form.html"


def _url(name: str, incident: Incident) -> str:
    return reverse(f"admin:response_{name}", args=[incident.pk])


def _form(
    request: HttpRequest,
    incident: Incident,
    name: str,
    submit: str,
    hidden: Mapping[str, Any] | None = None,
) -> SafeString:
    """The form of page ``name`` (fields prefixed with it), or only ``hidden`` values and
    a button when given."""
    form_class = FORMS[name][0]
    form: forms.Form | None = None if hidden else form_class(prefix=name)
    context = {
        "action": _url(name, incident),
        "form": form,
        "hidden": {f"{name}-{key}": value for key, value in (hidden or {}).items()},
        "submit": submit,
    }
    # A SafeString: the template escapes the context as it renders it.
    return render_to_string(FORM_TEMPLATE, context, request=request)


def major_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """Roles, war room, children and the scribe's form of a major incident; on a child,
    its parent."""
    if not request.user.has_perm(VIEW_PERMISSION):
        return None
    if incident.major_incident_id is not None and not incident.is_major:
        parent = incident.major_incident
        return Panel(
            "Major incident",
            [PanelRow(parent, note="This incident is its child: it is resolved with it.")],
        )
    if not incident.is_major:
        return None
    rows: list[PanelRow] = [
        PanelRow(
            "War room",
            note="" if incident.war_room_url else "None yet: set the war room field above.",
            link_url=incident.war_room_url,
            link_label=incident.war_room_url,
        ),
        PanelRow(
            f"Major incident since {iso(incident.major_since)}",
            link_url=_url("timeline", incident),
            link_label="Merged timeline (star key events)",
        ),
    ]
    for role, people in role_holders(incident).items():
        for person in people:
            rows.append(
                PanelRow(
                    f"{Role(role).label}: {person}",
                    content=_form(
                        request, incident, "unassign", "Remove", {"role": role, "user": person.pk}
                    ),
                )
            )
    rows.append(PanelRow("Assign a role", content=_form(request, incident, "assign", "Assign")))
    for child in Incident.objects.filter(major_incident=incident).order_by("reported_at", "id"):
        rows.append(
            PanelRow(
                child,
                note="Child incident",
                content=_form(request, incident, "unlink", "Unlink", {"child": child.pk}),
            )
        )
    rows.append(
        PanelRow("Scribe entry", content=_form(request, incident, "scribe", "Add to the timeline"))
    )
    return Panel("Major incident", rows)


def updates_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """The latest stakeholder updates, when the next is due, and the form to post one."""
    if not incident.is_major or not request.user.has_perm(VIEW_PERMISSION):
        return None
    cadence = Cadence.objects.filter(incident=incident).first()
    due = cadence.next_update_due if cadence else None
    rows = [PanelRow(f"Next update due {iso(due)}" if due else "No update due")]
    stakeholders = Stakeholder.objects.filter(incident=incident).select_related("user", "team")
    names = [str(s.user) if s.user_id else f"{s.team} (team)" for s in stakeholders]
    rows.append(
        PanelRow(
            "Stakeholders: " + (", ".join(names) or "none yet"),
            note="Internal updates reach them and the watchers (API: .../response/stakeholders/).",
        )
    )
    updates = StakeholderUpdate.objects.filter(incident=incident).select_related("author")
    for update in updates.order_by("-created_at", "-id")[:10]:
        rows.append(
            PanelRow(
                f"{iso(update.created_at)} · {update.get_audience_display()} · {update.author}",
                note=update.body,
            )
        )
    if may_lead(incident, request.user):  # type: ignore[arg-type]
        rows.append(PanelRow("Post an update", content=_form(request, incident, "update", "Post")))
    return Panel("Stakeholder updates", rows)


def milestones_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """Every milestone, in the order they must keep, and the form to set one by hand."""
    if not incident.is_major or not request.user.has_perm(VIEW_PERMISSION):
        return None
    rows = [
        PanelRow(f"{name.replace('_', ' ').capitalize()}: {iso(getattr(incident, f'{name}_at'))}")
        for name in MILESTONES
    ]
    rows.append(PanelRow("Set a milestone", content=_form(request, incident, "milestone", "Set")))
    return Panel("Milestones", rows)


def suggestion_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """An open incident of a service that has an open major incident: the same outage?"""
    if (
        incident.service_id is None
        or incident.is_major
        or incident.major_incident_id is not None
        or not incident.is_open
        or not request.user.has_perm("incidents.change_incident")
    ):
        return None
    majors = Incident.objects.filter(
        service_id=incident.service_id, major_since__isnull=False, status__in=OPEN_STATES
    ).exclude(pk=incident.pk)
    rows = [
        PanelRow(
            major,
            note="An open major incident on the same service: link this one as its child if "
            "it reports the same outage.",
            content=_form(request, incident, "link", "Link as its child", {"parent": major.pk}),
        )
        for major in majors.order_by("-major_since")[:3]
    ]
    return Panel("Open major incident on this service", rows) if rows else None
