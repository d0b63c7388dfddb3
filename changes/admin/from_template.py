"""A standard change from its pre-approved template, one click from the template list: a
page asking only what the template leaves open (title, description, window, services,
assignment), then the change workflow's create with the template, the function the API's
``template`` calls, so the rules (active templates only, the template's plans, low risk)
live in one place."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from changes.models import ChangeTemplate
from kernel.admin.pages import attach_errors
from kernel.errors import WorkflowError

if TYPE_CHECKING:
    from changes.admin.change import ChangeAdmin

# What the template does not fix; its plans (and, through them, the risk) it does.
ASKED = (
    "title",
    "description",
    "services",
    "planned_start",
    "planned_end",
    "assignment_group",
    "assigned_to",
)
LABEL = "Create a change from this template"


def from_template_url(template: ChangeTemplate) -> str:
    return reverse("admin:changes_change_from_template", args=[template.pk])


@admin.display(description="Standard change")
def create_change_link(template: ChangeTemplate) -> SafeString | str:
    """The template list's one-click link; a retired template makes no more changes."""
    if not template.is_active:
        return "Retired"
    return format_html('<a href="{}">{}</a>', from_template_url(template), LABEL)


def from_template_view(
    model_admin: "ChangeAdmin", request: HttpRequest, template_id: int
) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    template = ChangeTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise Http404(f"No change template with id {template_id!r}.")
    # The change admin's own form for these fields: its autocompletes and date widgets.
    form_class = model_admin.get_form(request, fields=ASKED)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ASKED}
            try:
                change = model_admin.create_ticket(request, {**fields, "template": template})
            except WorkflowError as refusal:
                attach_errors(form, refusal)
            else:
                model_admin.message_user(
                    request,
                    f"{change.number}: standard change created from “{template}”.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(model_admin._url("change", change.pk))
    else:
        form = form_class(initial={"title": template.name, "description": template.description})
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": f"{LABEL}: {template}",
        "opts": ChangeTemplate._meta,
        "original": template,
        "form": form,
        "media": model_admin.media + form.media,
        "change_url": reverse("admin:changes_changetemplate_change", args=[template.pk]),
        "move": {
            "label": "Create the change",
            "help": "A standard change: pre-approved, low risk, with the template's plans. "
            "It starts in New, ready to schedule.",
        },
    }
    return TemplateResponse(request, model_admin.move_form_template, context)
