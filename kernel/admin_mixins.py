"""Admin plumbing every ticket type shares: move buttons and move pages read from the
type's ``MoveTable``, the timeline with its note box, the priority override, saving
through the workflow. Bulk actions over tickets live in ``kernel.admin_actions``.

A ticket type's admin subclasses ``TicketAdmin`` and names its ``workflow`` (the bundle of
its workflow functions); it never saves a ticket itself, and nothing here assigns
``status``. Cross links other apps register (``kernel.links``) show as panels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper

from kernel.admin_lists import EstimatedCountPaginator
from kernel.admin_panels import panels_for
from kernel.dispatch import TicketWorkflow
from kernel.enums import Priority
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed, WorkflowError
from kernel.models import Ticket
from kernel.transitions import Move

if TYPE_CHECKING:
    from accounts.models import User

_REFUSAL = "_ticket_admin_refusal"
_BOOKKEEPING = frozenset({"created_at", "updated_at"})

# Red for P1 down to grey for planning, wherever a priority is shown.
PRIORITY_COLOURS = {1: "#ba2121", 2: "#e67e22", 3: "#b7950b", 4: "#2874a6", 5: "#7f8c8d"}


def priority_badge(priority: int) -> SafeString:
    return format_html(
        '<span class="priority-badge priority-{}" style="background:{};color:#fff;'
        'padding:1px 6px;border-radius:8px;white-space:nowrap">{}</span>',
        priority,
        PRIORITY_COLOURS.get(priority, PRIORITY_COLOURS[5]),
        Priority(priority).label,
    )


class TimelineNoteForm(forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.TypedChoiceField(
        label="Visible to",
        choices=[("1", "Agents only (work note)"), ("0", "The caller too (comment)")],
        coerce=lambda value: value == "1",
        initial="1",
    )


class PriorityOverrideForm(forms.Form):
    priority = forms.TypedChoiceField(
        choices=[("", "Back to the matrix"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


def attach_errors(form: forms.BaseForm, refusal: WorkflowError) -> None:
    """Show a refusal on the form: input errors beside their fields, the rest on top."""
    if isinstance(refusal, MoveInvalid):
        for field, field_messages in refusal.errors.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, refusal.message)


def acting_user(request: HttpRequest) -> User:
    """The user behind an admin request: ``admin_view`` lets only active staff through."""
    return cast("User", request.user)


def refusal_of(ticket: Ticket, move: Move, user: User) -> WorkflowError | None:
    """Why ``user`` cannot make ``move`` now, read from the move table. The workflow checks
    again under the row lock; this only keeps us from offering a move it would refuse."""
    try:
        type(ticket).moves.check_ticket(ticket, move.name)
    except MoveNotAllowed as exc:
        return exc
    if not move.permits(user, ticket):
        return MoveForbidden(f"You may not {move.label.lower()} {ticket.number}.")
    return None


def _workflow_changes(older: Any, newer: Any) -> list[ModelChange]:
    """Changes to the fields only the workflow writes, which ``diff_against`` skips."""
    return [
        ModelChange(field.name, getattr(older, field.attname), getattr(newer, field.attname))
        for field in newer.tracked_fields
        if not field.editable
        and field.name not in _BOOKKEEPING
        and getattr(older, field.attname) != getattr(newer, field.attname)
    ]


class TicketHistoryContext(HistoricalRecordContextHelper):
    """History diffs with choice labels ("In Progress") rather than stored values (2)."""

    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if getattr(field, "choices", None) and value not in (None, ""):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class TicketAdmin[T: Ticket](SimpleHistoryAdmin):
    """Base admin for a ticket type. ``move_forms`` maps each move to the form asking
    for exactly that move's inputs."""

    change_form_template = "admin/ticket/change_form.html"
    # A million tickets: no second COUNT(*) for "x of y", an estimated count when the
    # list is unfiltered, and search through the ticket type's indexed search.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    move_form_template = "admin/ticket/move_form.html"
    move_forms: ClassVar[Mapping[str, type[forms.Form]]] = {}
    override_permission: ClassVar[str] = ""
    workflow: ClassVar[TicketWorkflow[Any]]

    # --- the ticket type's workflow --------------------------------------------------
    # Every write goes to ``workflow``, the ticket type's bundle of workflow functions.

    def create_ticket(self, request: HttpRequest, fields: dict[str, Any]) -> T:
        return self.workflow.create(by=acting_user(request), **fields)

    def update_ticket(self, request: HttpRequest, ticket: T, changes: dict[str, Any]) -> T:
        return self.workflow.update(ticket, by=acting_user(request), changes=changes)

    def make_move(self, request: HttpRequest, ticket: T, name: str, inputs: dict[str, Any]) -> T:
        return self.workflow.move(ticket, name, by=acting_user(request), **inputs)

    def add_note(self, request: HttpRequest, ticket: T, body: str, internal: bool) -> None:
        self.workflow.add_note(ticket, by=acting_user(request), body=body, internal=internal)

    def override_priority(
        self, request: HttpRequest, ticket: T, priority: int | None, reason: str
    ) -> T:
        return self.workflow.override_priority(
            ticket, by=acting_user(request), priority=priority, reason=reason
        )

    def can_override_priority(self, request: HttpRequest, ticket: T) -> bool:
        return bool(self.override_permission) and request.user.has_perm(self.override_permission)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[T], search_term: str
    ) -> tuple[QuerySet[T], bool]:
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False  # type: ignore[attr-defined]

    # --- permissions -----------------------------------------------------------------

    def has_delete_permission(self, request: HttpRequest, obj: T | None = None) -> bool:
        return False  # tickets are the audit trail: they are canceled, never deleted

    def revert_disabled(self, request: HttpRequest, obj: T | None = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied  # a revert would write the ticket around its workflow
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> TicketHistoryContext:
        return TicketHistoryContext(self.model, historical_record)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        # simple_history diffs editable fields only; on a ticket the workflow's fields
        # (status, priority, codes, milestones) are the history worth reading.
        newer = None
        for older in historical_records:
            if newer is not None:
                delta = newer.diff_against(older, foreign_keys_are_objs=foreign_keys_are_objs)
                changes = [*delta.changes, *_workflow_changes(older, newer)]
                changes.sort(key=lambda change: change.field)
                full = ModelDelta(changes, [c.field for c in changes], older, newer)
                helper = self.get_historical_record_context_helper(request, newer)
                newer.history_delta_changes = helper.context_for_delta_changes(full)
            newer = older

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
            context.update(
                move_links=[
                    (move, self._url("move", obj.pk, move.name))
                    for move in self.allowed_moves(request, obj)
                ],
                override_url=(
                    self._url("priority", obj.pk)
                    if self.can_override_priority(request, obj)
                    else None
                ),
                timeline=self.timeline(obj),
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
        return [
            move
            for move in type(ticket).moves.allowed_for(ticket)
            if move.permits(acting_user(request), ticket)
        ]

    def timeline(self, ticket: T) -> QuerySet[Any]:
        # One query however long the timeline: the author is the only relation shown.
        timeline: QuerySet[Any] = ticket.timeline.select_related("author")  # type: ignore[attr-defined]
        return timeline.order_by("-created_at", "-id")

    # --- extra views -----------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "<path:object_id>/move/<slug:name>/",
                wrap(self.move_view),
                name="{}_{}_move".format(*info),
            ),
            path(
                "<path:object_id>/note/",
                wrap(require_POST(self.note_view)),
                name="{}_{}_note".format(*info),
            ),
            path(
                "<path:object_id>/priority/",
                wrap(self.priority_view),
                name="{}_{}_priority".format(*info),
            ),
        ]
        return urls + list(super().get_urls())

    def _url(self, view: str, *args: Any) -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)

    def _ticket(self, request: HttpRequest, object_id: str) -> T:
        ticket: T | None = self.get_object(request, unquote(object_id))
        if ticket is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id!r}.")
        if not self.has_view_or_change_permission(request, ticket):
            raise PermissionDenied
        return ticket

    def _page(
        self, request: HttpRequest, ticket: T, title: str, form: forms.Form, **extra: Any
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "original": ticket,
            "form": form,
            "media": self.media + form.media,
            "change_url": self._url("change", ticket.pk),
            **extra,
        }
        return TemplateResponse(request, self.move_form_template, context)

    def move_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        ticket = self._ticket(request, object_id)
        try:
            move = type(ticket).moves.get(name)
        except MoveNotAllowed:
            raise Http404(f"There is no move called {name!r}.") from None
        back = HttpResponseRedirect(self._url("change", ticket.pk))
        refusal = refusal_of(ticket, move, acting_user(request))
        if refusal is not None:
            self.message_user(request, f"{ticket.number}: {refusal.message}", messages.ERROR)
            return back
        form_class = self.move_forms[name]
        form = form_class(request.POST) if request.method == "POST" else form_class()
        if request.method == "POST" and form.is_valid():
            try:
                moved = self.make_move(request, ticket, name, form.cleaned_data)
            except MoveInvalid as exc:
                attach_errors(form, exc)
            except WorkflowError as exc:
                self.message_user(request, f"{ticket.number}: {exc.message}", messages.ERROR)
                return back
            else:
                status = moved.get_status_display()  # type: ignore[attr-defined]
                self.message_user(
                    request, f"{moved.number}: {move.label} done; now {status}.", messages.SUCCESS
                )
                return back
        return self._page(request, ticket, f"{move.label}: {ticket}", form, move=move)

    def note_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        ticket = self._ticket(request, object_id)
        form = TimelineNoteForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Write something before adding a note.", messages.ERROR)
        else:
            try:
                self.add_note(
                    request, ticket, form.cleaned_data["body"], form.cleaned_data["internal"]
                )
            except WorkflowError as exc:
                self.message_user(request, f"{ticket.number}: {exc.message}", messages.ERROR)
            else:
                kind = "Work note" if form.cleaned_data["internal"] else "Comment"
                self.message_user(request, f"{ticket.number}: {kind} added.", messages.SUCCESS)
        return HttpResponseRedirect(self._url("change", ticket.pk) + "#timeline")

    def priority_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        ticket = self._ticket(request, object_id)
        back = HttpResponseRedirect(self._url("change", ticket.pk))
        if not self.can_override_priority(request, ticket):
            self.message_user(
                request, f"{ticket.number}: you may not override its priority.", messages.ERROR
            )
            return back
        form = PriorityOverrideForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = self.override_priority(request, ticket, data["priority"], data["reason"])
            except MoveInvalid as exc:
                attach_errors(form, exc)
            except WorkflowError as exc:
                self.message_user(request, f"{ticket.number}: {exc.message}", messages.ERROR)
                return back
            else:
                label = saved.get_priority_display()
                self.message_user(request, f"{saved.number}: priority is now {label}.")
                return back
        return self._page(request, ticket, f"Override priority: {ticket}", form)
