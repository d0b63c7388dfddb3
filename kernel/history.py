"""What each saved version of a ticket changed, read from django-simple-history's rows.

A history row holds the whole record as it was saved; the change is the difference from
the row before it. ``with_changes`` sets ``changes`` on each row of a page, from the rows
themselves and one more: the row before the page's oldest."""

from collections.abc import Sequence
from typing import Any, TypedDict

from django.db.models import Model, Q, QuerySet

# Not a change of its own: every save sets it, and the row's date says when.
UNTRACKED: frozenset[str] = frozenset({"id", "updated_at"})


class FieldChange(TypedDict):
    field: str
    old: Any
    new: Any


def tracked_columns(record: Model) -> list[tuple[str, str]]:
    """(field name, attribute) of each field the history row copies: a reference is its
    id (``assignment_group`` -> ``assignment_group_id``)."""
    fields = getattr(type(record), "tracked_fields", ())
    return [(f.name, f.attname) for f in fields if f.name not in UNTRACKED]


def changes_between(before: Model | None, after: Model) -> list[FieldChange]:
    """The fields ``after`` changed from ``before``; from nothing (a creation): every
    field that has a value."""
    changes: list[FieldChange] = []
    for name, attribute in tracked_columns(after):
        new = getattr(after, attribute)
        if before is None:
            if new not in (None, ""):
                changes.append({"field": name, "old": None, "new": new})
            continue
        old = getattr(before, attribute)
        if old != new:
            changes.append({"field": name, "old": old, "new": new})
    return changes


def row_before(history: QuerySet[Any], record: Any) -> Any:
    """The version saved just before ``record`` (newest first: by date, then id)."""
    earlier = Q(history_date__lt=record.history_date) | Q(
        history_date=record.history_date, history_id__lt=record.history_id
    )
    return history.filter(earlier).order_by("-history_date", "-history_id").first()


def with_changes(history: QuerySet[Any], page: Sequence[Any]) -> Sequence[Any]:
    """Set ``changes`` on each row of ``page`` (newest first), with one query for the row
    before the page's oldest, however many rows the page holds."""
    if not page:
        return page
    oldest = page[-1]
    before_page = None if oldest.history_type == "+" else row_before(history, oldest)
    for record, before in zip(page, [*page[1:], before_page], strict=True):
        record.changes = changes_between(None if record.history_type == "+" else before, record)
    return page
