"""The pages a ticket admin adds beside the change form: one per move (asking for exactly
that move's inputs, from the type's ``MoveTable``), the timeline's note box and the
priority override. Each parses the form and calls the ticket type's ``workflow``; a
refusal comes back as a message or as errors on the form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from kernel.admin.history import TicketHistoryAdmin
from kernel.admin.move_forms import build_move_forms
from kernel.enums import Priority
from kernel.errors import MoveInvalid, MoveNotAllowed, WorkflowError
from kernel.models import Ticket
from kernel.moves import TicketWorkflow

if TYPE_CHECKING:
    from accounts.models import User


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


class TicketPagesAdmin[T: Ticket](TicketHistoryAdmin[T]):
    """The ticket type's ``workflow`` and the move, note and priority pages calling it.
    ``move_forms`` maps each move to the form asking for exactly that move's inputs,
    built from the workflow's move functions."""

    move_form_template = "admin/ticket/move_form.html"
    move_forms: ClassVar[Mapping[str, type[forms.Form]]]
    override_permission: ClassVar[str] = ""
    workflow: ClassVar[TicketWorkflow[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "workflow" in cls.__dict__:
            cls.move_forms = build_move_forms(cls.workflow)

    # --- the ticket type's workflow --------------------------------------------------
    # Every write goes to ``workflow``, the ticket type's bundle of workflow functions.

    def create_ticket(self, request: HttpRequest, fields: dict[str, Any]) -> T:
        return self.workflow.create(by=acting_user(request), **fields)

    def update_ticket(self, request: HttpRequest, ticket: T, changes: dict[str, Any]) -> T:
        return self.workflow.update(ticket, by=acting_user(request), changes=changes)

    def make_move(self, request: HttpRequest, ticket: T, name: str, inputs: dict[str, Any]) -> T:
        return self.workflow.make(ticket, name, by=acting_user(request), inputs=inputs)

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
        form_class = self.move_forms[name]
        form = form_class(request.POST) if request.method == "POST" else form_class()
        if request.method != "POST" or not form.is_valid():
            # Whether to show the form at all: a move the state or the user's rights refuse
            # is refused before its input is judged. A valid POST goes to the workflow,
            # which decides under the row lock.
            refusal = type(ticket).moves.refusal(ticket, name, acting_user(request))
            if refusal is not None:
                self.message_user(request, f"{ticket.number}: {refusal.message}", messages.ERROR)
                return back
        else:
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
