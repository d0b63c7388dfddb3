"""The POST targets of the major-incident panels on the incident's change form, and the
merged-timeline page with its stars. Each parses its form, calls one workflow function and
goes back to the incident with a message (a refusal's words, or what was done)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from incidents.major import (
    incident_assign_role,
    incident_link_major,
    incident_remove_role,
    incident_unlink_major,
)
from incidents.milestones import incident_set_milestone
from incidents.models import Incident, Role
from kernel.admin.pages import acting_user
from kernel.errors import MoveInvalid, WorkflowError
from response.forms import MilestoneForm, RoleForm, ScribeForm, StarForm, UpdateForm
from response.markdown import iso
from response.timeline import scribe_entry_add, timeline_of, timeline_star
from response.updates import stakeholder_update_post

VIEW_PERMISSION = "incidents.view_incident"

type Write = Callable[[HttpRequest, Incident, dict[str, Any]], str]


def _incident(request: HttpRequest, incident_id: int) -> Incident:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(Incident, pk=incident_id)


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def _submit(
    name: str, form_class: type[forms.Form], write: Write
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A view that validates ``form_class`` (its fields prefixed with ``name``, as the
    panel renders them) and hands it to ``write``, whose answer is the success message;
    refusals and invalid input come back as error messages."""

    @require_POST
    def view(request: HttpRequest, incident_id: int) -> HttpResponse:
        incident = _incident(request, incident_id)
        form = form_class(request.POST, prefix=name)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label or field if field in form.fields else ""
                words = " ".join(str(error) for error in errors)
                messages.error(request, f"{incident.number}: {label} {words}".strip())
        else:
            try:
                done = write(request, incident, form.cleaned_data)
            except WorkflowError as exc:
                messages.error(request, f"{incident.number}: {exc.message}")
            else:
                messages.success(request, f"{incident.number}: {done}")
        return HttpResponseRedirect(change_url(incident))

    return view


def _assign(request: HttpRequest, incident: Incident, data: dict[str, Any]) -> str:
    role, user = data["role"], data["user"]
    incident_assign_role(
        incident, by=acting_user(request), role=role, user=user, reason=data["reason"]
    )
    return f"{user} is now {Role(role).label.lower()}."


class RoleRemoveForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    user = RoleForm.base_fields["user"]


def _unassign(request: HttpRequest, incident: Incident, data: dict[str, Any]) -> str:
    incident_remove_role(incident, by=acting_user(request), role=data["role"], user=data["user"])
    return f"{data['user']} is no longer {Role(data['role']).label.lower()}."


def _post_update(request: HttpRequest, incident: Incident, data: dict[str, Any]) -> str:
    update = stakeholder_update_post(
        incident,
        by=acting_user(request),
        body=data["body"],
        public=data["audience"],
        phase=data["phase"] or None,
        title=data["title"] or None,
        next_update_due=data["next_update_due"],
    )
    return f"{update.get_audience_display()} update posted; next due {iso(update.next_update_due)}."


def _milestone(request: HttpRequest, incident: Incident, data: dict[str, Any]) -> str:
    incident_set_milestone(
        incident,
        by=acting_user(request),
        milestone=data["milestone"],
        at=data["at"],
        reason=data["reason"],
    )
    return f"{data['milestone'].replace('_', ' ').capitalize()} set to {iso(data['at'])}."


def _scribe(request: HttpRequest, incident: Incident, data: dict[str, Any]) -> str:
    scribe_entry_add(incident, by=acting_user(request), at=data["at"], body=data["body"])
    return f"Scribe entry at {iso(data['at'])} added."


class ChildForm(forms.Form):
    child = forms.ModelChoiceField(queryset=Incident.objects.all())


def _unlink(request: HttpRequest, incident: Incident, data: dict[str, Any]) -> str:
    child = data["child"]
    if child.major_incident_id != incident.pk:
        raise MoveInvalid({"child": [f"{child.number} is not a child of {incident.number}."]})
    incident_unlink_major(child, by=acting_user(request))
    return f"{child.number} is no longer a child."


class ParentForm(forms.Form):
    parent = forms.ModelChoiceField(queryset=Incident.objects.all())


def _link(request: HttpRequest, incident: Incident, data: dict[str, Any]) -> str:
    incident_link_major(incident, by=acting_user(request), parent=data["parent"])
    return f"Linked to major incident {data['parent'].number}."


def _star(request: HttpRequest, incident: Incident, data: dict[str, Any]) -> str:
    timeline_star(incident, by=acting_user(request), key=data["key"], starred=data["starred"])
    return "Starred." if data["starred"] else "Unstarred."


def timeline_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The merged timeline, with a star button per item (a POST stars or unstars one)."""
    incident = _incident(request, incident_id)
    here = reverse("admin:response_timeline", args=[incident.pk])
    if request.method == "POST":
        form = StarForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"{incident.number}: choose an item to star.")
        else:
            try:
                messages.success(
                    request, f"{incident.number}: {_star(request, incident, form.cleaned_data)}"
                )
            except WorkflowError as exc:
                messages.error(request, f"{incident.number}: {exc.message}")
        return HttpResponseRedirect(here)
    context = {
        **admin.site.each_context(request),
        "title": f"Timeline of {incident.number}",
        "original": incident,
        "opts": Incident._meta,
        "change_url": change_url(incident),
        "items": timeline_of(incident),
        "star_url": here,
        "markdown_url": reverse("response-timeline-markdown", args=[incident.number]),
    }
    return TemplateResponse(request, "admin/response/timeline.html", context)


FORMS: dict[str, tuple[type[forms.Form], Write]] = {
    "assign": (RoleForm, _assign),
    "unassign": (RoleRemoveForm, _unassign),
    "update": (UpdateForm, _post_update),
    "milestone": (MilestoneForm, _milestone),
    "scribe": (ScribeForm, _scribe),
    "unlink": (ChildForm, _unlink),
    "link": (ParentForm, _link),
}
PAGES: dict[str, Callable[..., HttpResponse]] = {
    **{name: _submit(name, form, write) for name, (form, write) in FORMS.items()},
    "timeline": timeline_page,
}
