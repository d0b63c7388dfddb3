"""The ticket history page as agents read it: the workflow's own fields (status,
priority, codes, milestones) in the diffs, choice labels rather than stored values, and
no revert, since a revert would write the ticket around its workflow."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange, ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper

from kernel.models import Ticket

_BOOKKEEPING = frozenset({"created_at", "updated_at"})


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
    """History diffs with choice labels ("In Progress") rather than stored values (2),
    and an empty reference shown empty."""

    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if getattr(field, "choices", None) and value not in (None, ""):
            return dict(field.flatchoices).get(value, value)
        # simple_history stands a ``DeletedObject`` in for any reference it cannot load,
        # an empty one too: an assignee cleared (an escalation, an imported update) read
        # "Deleted user (pk=None)". Empty is empty, as for every other field.
        if isinstance(value, DeletedObject) and value.pk is None:
            return None
        # A milestone (or any time) as the rest of the console shows one: in the current
        # zone and the locale's format, as Django's ``display_for_value`` does, not the
        # ISO text of ``str()`` in UTC ("2016-04-06 14:29:00+00:00").
        if isinstance(value, datetime):
            return formats.localize(timezone.localtime(value))
        if isinstance(value, date):
            return formats.localize(value)
        return super().prepare_delta_change_value(change, value)


class TicketHistoryAdmin[T: Ticket](SimpleHistoryAdmin):
    """The history views of a ticket admin: read-only, with the workflow's changes."""

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
