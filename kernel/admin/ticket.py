"""Admin plumbing every ticket type shares: move buttons read from the type's
``MoveTable``, the timeline with its note box, the priority override, saving through the
workflow. The move, note and priority pages are in ``kernel.admin.pages``, the history
views in ``kernel.admin.history``; bulk actions over tickets in ``kernel.admin.actions``.

A ticket type's admin subclasses ``TicketAdmin`` and names its ``workflow`` (the bundle of
its workflow functions); it never saves a ticket itself, and nothing here assigns
``status``. Cross links other apps register (``kernel.links``) show as panels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR, Action, ActionLocation
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.admin_pickers import SafePickers
from kernel.admin.actions import admin_actions_for
from kernel.admin.lists import (
    EstimatedCountPaginator,
    annotate_for_columns,
    list_columns_for,
    list_filters_for,
)
from kernel.admin.pages import TicketPagesAdmin, TimelineNoteForm, acting_user, attach_errors
from kernel.admin.panels import Fact, entry_title, panels_for, plugged_facts
from kernel.admin.search import change_url
from kernel.enums import Priority
from kernel.errors import WorkflowError
from kernel.models import Ticket
from kernel.search import find_number, parse_number
from kernel.transitions import Move

_REFUSAL = "_ticket_admin_refusal"
TIMELINE_PAGE = 20
"""Timeline entries per page of the change form; ``?timeline=2`` shows the next ones."""
TIMELINE_PAGES = 100_000
# Set on a request while its changelist is built: only the list pays for plugged columns'
# annotations.
_LISTING = "_ticket_admin_listing"


def priority_badge(priority: int) -> SafeString:
    # Colours in kernel/static/kernel/admin.css: the CSP refuses style="" attributes.
    return format_html(
        '<span class="priority-badge priority-{}">{}</span>', priority, Priority(priority).label
    )


class ShowsModelErrors(forms.ModelForm):
    """The model's own rules (``Incident.clean``: the milestone order) may name a field
    this form shows read-only: that error goes on top of the form, as a workflow
    refusal's does (``attach_errors``), instead of failing the page with a server error."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            placed: dict[str, list[ValidationError]] = {}
            for field, found in errors.error_dict.items():
                key = field if field in self.fields else NON_FIELD_ERRORS
                placed.setdefault(key, []).extend(found)
            errors = ValidationError(placed)
        super()._update_errors(errors)  # type: ignore[misc]  # a ModelForm hook the stubs omit


class TicketAdmin[T: Ticket](SafePickers, TicketPagesAdmin[T]):
    """Base admin for a ticket type: its list, its change form, and saving through its
    ``workflow``."""

    change_form_template = "admin/ticket/change_form.html"
    # A million tickets: no second COUNT(*) for "x of y", an estimated count when the
    # list is unfiltered, and search through the ticket type's indexed search.
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Another type's number in this list's search (PRB0000002 from the incidents)
        # opens that record, as the header's search box does; this type's own numbers
        # filter the list as before.
        term = request.GET.get("q", "")
        if parse_number(term) is not None:
            hit = find_number(term, acting_user(request))
            if hit is not None and hit.model is not self.model._meta.concrete_model:
                url = change_url(hit.model, hit.pk)
                if url:
                    return HttpResponseRedirect(url)
        return super().changelist_view(request, extra_context)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[T], search_term: str
    ) -> tuple[QuerySet[T], bool]:
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False  # type: ignore[attr-defined]

    # --- columns and filters other apps plug in --------------------------------------

    def get_list_display(self, request: HttpRequest) -> Any:
        plugged = [column.display for column in list_columns_for(self.model)]
        return (*super().get_list_display(request), *plugged)

    def get_list_filter(self, request: HttpRequest) -> Any:
        return (*super().get_list_filter(request), *list_filters_for(self.model))

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        setattr(request, _LISTING, True)
        try:
            return super().get_changelist_instance(request)
        finally:
            setattr(request, _LISTING, False)

    def get_queryset(self, request: HttpRequest) -> QuerySet[T]:
        queryset = super().get_queryset(request)
        if getattr(request, _LISTING, False):
            queryset = annotate_for_columns(self.model, queryset)
        return queryset

    # --- bulk actions other apps plug in ---------------------------------------------

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Action | None]:
        actions = super().get_actions(request, action_location)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions  # actions are switched off here, plugged ones too
        plugged = [
            found
            for action in admin_actions_for(self.model)
            if (found := self.get_action(action, action_location)) is not None
            and found.name not in actions
        ]
        # The same permission filter Django applies to the admin's own actions.
        for action in self._filter_actions_by_permissions(request, plugged):
            actions[action.name] = action
        return actions

    # --- permissions -----------------------------------------------------------------

    def has_delete_permission(self, request: HttpRequest, obj: T | None = None) -> bool:
        return False  # tickets are the audit trail: they are canceled, never deleted

    # --- saving through the workflow -------------------------------------------------

    def save_model(
        self, request: HttpRequest, obj: T, form: forms.ModelForm[T], change: bool
    ) -> None:
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = self.update_ticket(request, obj, changes)
        else:
            saved = self.create_ticket(request, dict(form.cleaned_data))
        # The admin goes on to log and redirect with ``obj``: give it the saved row.
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            response: HttpResponse = super().changeform_view(
                request, object_id, form_url, extra_context
            )
        except WorkflowError as refusal:
            # The admin's transaction has rolled back. Run the same POST again with the
            # refusal attached to the form: it fails validation, so nothing is saved, and
            # the agent keeps what they typed.
            setattr(request, _REFUSAL, refusal)
            self.message_user(request, refusal.message, messages.ERROR)
            response = super().changeform_view(request, object_id, form_url, extra_context)
        return response

    def get_form(
        self, request: HttpRequest, obj: T | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[T]]:
        form: type[forms.ModelForm[T]] = super().get_form(request, obj, change, **kwargs)
        form = type(form.__name__, (ShowsModelErrors, form), {})
        refusal: WorkflowError | None = getattr(request, _REFUSAL, None)
        if refusal is None:
            return form

        def clean(self: forms.ModelForm[T]) -> dict[str, Any] | None:
            cleaned = form.clean(self)
            attach_errors(self, refusal)
            return cleaned

        return type(form.__name__, (form,), {"clean": clean})

    # --- the change form: move buttons and timeline ----------------------------------

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: T | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk:
            timeline, page, more = self.timeline_page(request, obj)
            context.update(
                # "INC0000042 Mail is down", not "Change incident".
                title=f"{obj.number} {obj.title}",
                subtitle=None,
                header_facts=self.header_facts(request, obj),
                move_buttons=[
                    self.move_button(move, self._url("move", obj.pk, move.name))
                    for move in self.allowed_moves(request, obj)
                ],
                override_url=(
                    self._url("priority", obj.pk)
                    if self.can_override_priority(request, obj)
                    else None
                ),
                timeline=[(entry, entry_title(obj, entry)) for entry in timeline],
                timeline_newer=page - 1 if page > 1 else None,
                timeline_older=page + 1 if more else None,
                panels=panels_for(request, obj),
                extra_tools=self.extra_tools(request, obj),
                note_form=TimelineNoteForm(),
                note_url=self._url("note", obj.pk),
            )
        response: HttpResponse = super().render_change_form(
            request, context, add, change, form_url, obj
        )
        return response

    def extra_tools(self, request: HttpRequest, ticket: T) -> list[tuple[str, str]]:
        """(label, url) buttons beside the moves, for actions that are not moves."""
        return []

    def allowed_moves(self, request: HttpRequest, ticket: T) -> list[Move]:
        return type(ticket).moves.offered(ticket, acting_user(request))

    def move_button(self, move: Move, url: str) -> MoveButton:
        """A move that requires no input is made in one click (a POST from the change
        form, no page in between); one with only optional inputs (a note) offers its page
        beside the button; the rest open the page that asks for exactly their inputs."""
        fields = self.move_forms[move.name].base_fields.values()
        required = any(field.required for field in fields)
        return MoveButton(move, url, one_click=not required, optional=bool(fields) and not required)

    def header_facts(self, request: HttpRequest, ticket: T) -> list[Fact]:
        """What the header says about the ticket: its state, priority and who has it, then
        what other apps add (``kernel.admin.panels.register_header_fact``)."""
        group, assignee = ticket.assignment_group, ticket.assigned_to
        return [
            Fact("State", ticket.get_status_display()),  # type: ignore[attr-defined]
            Fact("Priority", priority_badge(ticket.priority)),
            *self.own_facts(request, ticket),
            Fact(
                "Assigned to",
                assignee.get_full_name() or assignee.username if assignee else "nobody",
            ),
            Fact("Group", str(group) if group else "none"),
            *plugged_facts(request, ticket),
        ]

    def own_facts(self, request: HttpRequest, ticket: T) -> list[Fact]:
        """The ticket type's own facts, after its priority (an incident's severity)."""
        return []

    def timeline(self, ticket: T) -> QuerySet[Any]:
        # One query however long the timeline: the author is the only relation shown.
        timeline: QuerySet[Any] = ticket.timeline.select_related("author")  # type: ignore[attr-defined]
        return timeline.order_by("-created_at", "-id")

    def timeline_page(self, request: HttpRequest, ticket: T) -> tuple[list[Any], int, bool]:
        """(entries, page number, whether older ones follow), newest first: one query of
        one page and one row more, never a count of a long history."""
        try:
            # Bounded: an absurd page number is the last page there could be, not an
            # OFFSET the database refuses.
            page = min(max(1, int(request.GET.get("timeline", "1"))), TIMELINE_PAGES)
        except ValueError:
            page = 1
        start = (page - 1) * TIMELINE_PAGE
        found = list(self.timeline(ticket)[start : start + TIMELINE_PAGE + 1])
        return found[:TIMELINE_PAGE], page, len(found) > TIMELINE_PAGE


@dataclass(frozen=True)
class MoveButton:
    move: Move
    url: str
    one_click: bool
    """Requires nothing: a POST button on the change form. Otherwise a link to the page
    that asks for exactly the move's inputs."""
    optional: bool = False
    """A one-click move whose page takes optional input (a note): linked beside it."""
