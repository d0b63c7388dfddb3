"""Bulk actions over tickets: ask once for input on an intermediate page, then call the
workflow for each selected ticket and report every refusal by its number.

Actions never write rows themselves (``QuerySet.update()`` would skip history).

A higher app adds actions to a lower ticket type's list ("create a problem from these
incidents") with ``register_admin_actions`` from its ``wiring.connect()``; ``TicketAdmin``
reads them per request, so neither side depends on the order admin modules load in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from kernel.errors import WorkflowError
from kernel.models import Ticket

if TYPE_CHECKING:
    from kernel.admin.ticket import TicketAdmin

ACTION_FORM_TEMPLATE = "admin/ticket/action_form.html"

type Action = Callable[[Any, HttpRequest, QuerySet[Any]], HttpResponse | None]

_plugged: dict[type[Model], list[Action]] = {}


def register_admin_actions(model: type[Model], *actions: Action) -> None:
    """Offer ``actions`` on ``model``'s changelist, after its admin's own. Idempotent by
    action name: ``ready()`` may run more than once."""
    registered = _plugged.setdefault(model, [])
    names = {action.__name__ for action in registered}
    registered.extend(action for action in actions if action.__name__ not in names)


def admin_actions_for(model: type[Model]) -> list[Action]:
    return list(_plugged.get(model, ()))


def ask(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    form_class: type[forms.Form],
    title: str,
) -> forms.Form | TemplateResponse:
    """The intermediate page of an action that needs input: the bound, valid form once
    the user has filled it in, else the page asking for it."""
    applied = "apply" in request.POST
    form = form_class(request.POST if applied else None)
    if applied and form.is_valid():
        return form
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.opts,
        "form": form,
        "media": modeladmin.media + form.media,
        "queryset": queryset,
        "action": request.POST["action"],
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


def for_each[T: Ticket](
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    tickets: Iterable[T],
    attempt: Callable[[T], object],
    done: str,
) -> int:
    """Run ``attempt`` on each ticket, report each refusal by number, then how many
    succeeded (``done`` is formatted with ``count``)."""
    succeeded = 0
    for ticket in tickets:
        try:
            attempt(ticket)
        except WorkflowError as exc:
            modeladmin.message_user(request, f"{ticket.number}: {exc.message}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done.format(count=succeeded), messages.SUCCESS)
    return succeeded


def move_action(
    name: str, *, description: str, done: str, permissions: Sequence[str] = ("change",)
) -> Action:
    """A bulk action making move ``name`` on each selected ticket, after asking once for
    the move's inputs with the admin's form for that move."""

    def action(
        modeladmin: TicketAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        title = (
            f"{description.rstrip('…')} {queryset.count()} {modeladmin.opts.verbose_name_plural}"
        )
        answer = ask(modeladmin, request, queryset, modeladmin.move_forms[name], title)
        if isinstance(answer, HttpResponse):
            return answer
        for_each(
            modeladmin,
            request,
            queryset,
            lambda ticket: modeladmin.make_move(request, ticket, name, answer.cleaned_data),
            done,
        )
        return None

    action.__name__ = f"{name}_selected"
    return admin.action(description=description, permissions=list(permissions))(action)
