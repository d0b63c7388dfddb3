"""The postmortem admin on the kernel's ``TicketAdmin``: the review's sections as the
template asks for them, the facts read-only, reviewers and action items as panels, and
the pages that are a postmortem's own (start from an incident, name a reviewer, open a
problem from the root causes, the print view)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from incidents.models import Incident
from kernel.admin.pages import acting_user
from kernel.admin.ticket import TicketAdmin
from kernel.errors import WorkflowError
from postmortems import export
from postmortems.blameless import blameless_warnings
from postmortems.facts import DURATIONS, format_seconds
from postmortems.models import Postmortem
from postmortems.problem_links import problem_open_for_root_cause
from postmortems.workflow import (
    EDITABLE_FIELDS,
    WORKFLOW,
    postmortem_add_reviewer,
    postmortem_create_for,
    postmortem_refresh_facts,
    postmortem_remove_reviewer,
)

_FACTS = (
    "incident_link",
    "author",
    "template",
    "services_list",
    ("impact_started_at", "impact_ended_at"),
    "durations_table",
    "key_events_list",
)
_STATE = ("status", ("submitted_at", "published_at"), "problem_link")


class ReviewerForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model()._default_manager.filter(is_active=True, is_staff=True),
        label="Reviewer",
        help_text="An agent who reads and approves it; not its author.",
    )


@admin.register(Postmortem)
class PostmortemAdmin(TicketAdmin[Postmortem]):
    list_display = ("number", "title", "status", "incident", "author", "created_at", "published_at")
    list_display_links = ("number", "title")
    list_filter = ("status", "service", "assignment_group")
    search_fields = ("number", "title")
    date_hierarchy = "created_at"
    list_select_related = ("incident", "author")
    autocomplete_fields = ("assignment_group",)
    readonly_fields = (
        "number",
        "status",
        "incident_link",
        "author",
        "template",
        "services_list",
        "impact_started_at",
        "impact_ended_at",
        "durations_table",
        "key_events_list",
        "submitted_at",
        "published_at",
        "problem_link",
    )
    move_form_template = "admin/postmortems/postmortem/move_form.html"
    workflow = WORKFLOW
    override_permission = "postmortems.override_priority"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Postmortem]:
        related = ("incident", "author", "template", "problem", "assignment_group")
        return super().get_queryset(request).select_related(*related)

    def get_fieldsets(self, request: HttpRequest, obj: Postmortem | None = None) -> Any:
        sections = tuple(key for key, _, _ in obj.section_texts()) if obj else ()
        return (
            (None, {"fields": ("number", "title", "assignment_group")}),
            ("Summary and impact", {"fields": ("description", "customer_impact")}),
            ("Facts from the incident", {"fields": _FACTS}),
            ("Review", {"fields": sections}),
            ("State", {"fields": _STATE}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Postmortem | None = None) -> Any:
        if obj is not None and obj.is_finished:
            return (*self.readonly_fields, *sorted(EDITABLE_FIELDS))
        return self.readonly_fields

    def get_form(
        self, request: HttpRequest, obj: Postmortem | None = None, change: bool = False, **kw: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kw)
        # Each section's prompt, from the template it was written with, as its help.
        for item in obj.sections if obj is not None else []:
            field = form.base_fields.get(item["key"])
            if field is not None:
                field.help_text = item["prompt"]
        return form

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a postmortem starts from its incident (the panel there)

    # --- read-only facts ------------------------------------------------------------------

    @admin.display(description="Incident")
    def incident_link(self, obj: Postmortem) -> SafeString:
        url = reverse("admin:incidents_incident_change", args=[obj.incident_id])
        return format_html('<a href="{}">{}</a>', url, obj.incident)

    @admin.display(description="Services")
    def services_list(self, obj: Postmortem) -> str:
        return ", ".join(service.name for service in obj.services.all()) or "-"

    @admin.display(description="Durations")
    def durations_table(self, obj: Postmortem) -> SafeString:
        stored = obj.durations or {}
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td></tr>",
            ((label, format_seconds(stored.get(key))) for key, label, _, _ in DURATIONS),
        )
        return format_html('<table class="pm-durations">{}</table>', rows)

    @admin.display(description="Key events")
    def key_events_list(self, obj: Postmortem) -> SafeString | str:
        events = export.document_events(obj)
        if not events:
            return "No starred events."
        items = format_html_join(
            "",
            "<li><time>{}</time> <strong>{}</strong> {} <span class='help'>{}</span></li>",
            ((e["at"], e["title"], e.get("body", ""), e.get("author", "")) for e in events),
        )
        return format_html("<ol class='pm-events'>{}</ol>", items)

    @admin.display(description="Problem")
    def problem_link(self, obj: Postmortem) -> SafeString | str:
        if obj.problem is None:
            return "-"
        url = reverse("admin:problems_problem_change", args=[obj.problem_id])
        return format_html('<a href="{}">{}</a>', url, obj.problem)

    # --- tools beside the moves ------------------------------------------------------------

    def extra_tools(self, request: HttpRequest, ticket: Postmortem) -> list[tuple[str, str]]:
        tools = [("Print view", self._url("print", ticket.pk))]
        if request.user.has_perm("postmortems.add_actionitem"):
            add_item = reverse("admin:postmortems_actionitem_add") + f"?postmortem={ticket.pk}"
            tools.insert(0, ("Add an action item", add_item))
        if not ticket.is_finished and self.has_change_permission(request, ticket):
            tools.insert(0, ("Name a reviewer", self._url("reviewer", ticket.pk)))
            tools.insert(1, ("Read the facts again", self._url("refresh", ticket.pk)))
        may_open = request.user.has_perm("problems.add_problem")
        if may_open and ticket.problem_id is None and ticket.root_causes.strip():
            tools.append(("Open a problem from the root causes", self._url("problem", ticket.pk)))
        return tools

    def _page(
        self, request: HttpRequest, ticket: Postmortem, title: str, form: forms.Form, **extra: Any
    ) -> TemplateResponse:
        move = extra.get("move")
        if getattr(move, "name", "") == "submit":
            extra["warnings"] = blameless_warnings(ticket)
        return super()._page(request, ticket, title, form, **extra)

    def make_move(
        self, request: HttpRequest, ticket: Postmortem, name: str, inputs: dict[str, Any]
    ) -> Postmortem:
        moved = super().make_move(request, ticket, name, inputs)
        if name == "submit":
            entry = moved.timeline.filter(verb="submit").order_by("-id").first()
            for warning in (entry.data.get("warnings", []) if entry else [])[:10]:
                self.message_user(
                    request,
                    f"Blameless check: {warning['sentence']!r} names {warning['person']} "
                    f"before {warning['phrase']!r}.",
                    messages.WARNING,
                )
        return moved

    # --- views of its own ------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "start/<int:incident_id>/",
                wrap(require_POST(self.start_view)),
                name="postmortems_postmortem_start",
            ),
            path(
                "<path:object_id>/reviewer/",
                wrap(self.reviewer_view),
                name="postmortems_postmortem_reviewer",
            ),
            path(
                "<path:object_id>/reviewer/<int:user_id>/remove/",
                wrap(require_POST(self.remove_reviewer_view)),
                name="postmortems_postmortem_remove_reviewer",
            ),
            path(
                "<path:object_id>/refresh/",
                wrap(self.refresh_view),
                name="postmortems_postmortem_refresh",
            ),
            path(
                "<path:object_id>/problem/",
                wrap(self.problem_view),
                name="postmortems_postmortem_problem",
            ),
            path(
                "<path:object_id>/print/",
                wrap(self.print_view),
                name="postmortems_postmortem_print",
            ),
            *super().get_urls(),
        ]

    def start_view(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        incident = get_object_or_404(Incident, pk=incident_id)
        back = HttpResponseRedirect(reverse("admin:incidents_incident_change", args=[incident.pk]))
        try:
            postmortem = postmortem_create_for(incident, by=acting_user(request))
        except WorkflowError as exc:
            self.message_user(request, f"{incident.number}: {exc.message}", messages.ERROR)
            return back
        self.message_user(request, f"{postmortem.number} started from {incident.number}.")
        return HttpResponseRedirect(self._url("change", postmortem.pk))

    def reviewer_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        postmortem = self._ticket(request, object_id)
        if not self.has_change_permission(request, postmortem):
            raise PermissionDenied
        form = ReviewerForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            user = form.cleaned_data["user"]
            try:
                postmortem_add_reviewer(postmortem, by=acting_user(request), user=user)
            except WorkflowError as exc:
                self.message_user(request, f"{postmortem.number}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{postmortem.number}: {user} is a reviewer.")
            return HttpResponseRedirect(self._url("change", postmortem.pk))
        title = f"Name a reviewer of {postmortem.number}"
        return self._page(request, postmortem, title, form, move={"label": "Name a reviewer"})

    def remove_reviewer_view(
        self, request: HttpRequest, object_id: str, user_id: int
    ) -> HttpResponse:
        postmortem = self._ticket(request, object_id)
        user = get_object_or_404(get_user_model(), pk=user_id)
        try:
            postmortem_remove_reviewer(postmortem, by=acting_user(request), user=user)
        except WorkflowError as exc:
            self.message_user(request, f"{postmortem.number}: {exc.message}", messages.ERROR)
        else:
            self.message_user(request, f"{postmortem.number}: {user} no longer reviews it.")
        return HttpResponseRedirect(self._url("change", postmortem.pk))

    def refresh_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        postmortem = self._ticket(request, object_id)
        if request.method != "POST":
            label = "Read the facts again"
            help_text = (
                "The impact times, durations, services and starred events as the incident "
                "has them now (after a milestone was corrected or an event starred)."
            )
            return self._page(
                request, postmortem, label, forms.Form(), move={"label": label, "help": help_text}
            )
        try:
            postmortem_refresh_facts(postmortem, by=acting_user(request))
        except WorkflowError as exc:
            self.message_user(request, f"{postmortem.number}: {exc.message}", messages.ERROR)
        else:
            self.message_user(request, f"{postmortem.number}: facts read again.")
        return HttpResponseRedirect(self._url("change", postmortem.pk))

    def problem_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        postmortem = self._ticket(request, object_id)
        if request.method != "POST":
            help_text = (
                "A problem pre-filled with the root causes, linked to the incident; this "
                "postmortem points at it and the problem's page lists it."
            )
            label = "Open a problem"
            return self._page(
                request, postmortem, label, forms.Form(), move={"label": label, "help": help_text}
            )
        try:
            problem = problem_open_for_root_cause(postmortem, by=acting_user(request))
        except WorkflowError as exc:
            self.message_user(request, f"{postmortem.number}: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(self._url("change", postmortem.pk))
        self.message_user(request, f"{problem.number} opened from {postmortem.number}.")
        return HttpResponseRedirect(reverse("admin:problems_problem_change", args=[problem.pk]))

    def print_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        postmortem = self._ticket(request, object_id)
        context = {"doc": export.document(postmortem), "title": str(postmortem)}
        return TemplateResponse(request, "admin/postmortems/postmortem/print.html", context)
