"""Cases built by hand, the engine's interface, and a format that yields them."""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from imports.formats.base import Case, ReadOptions, Rejected, Update
from incidents.models import Status

T0 = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)
OPTIONS = ReadOptions(time_zone=ZoneInfo("UTC"))


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def update(
    sequence: int, minutes: int, state: int = Status.IN_PROGRESS, by: str = "Agent 1", **fields: Any
) -> Update:
    hold = fields.pop("hold_reason", "")
    note = fields.pop("note", "")
    return Update(
        line=sequence + 2,
        sequence=sequence,
        at=at(minutes),
        by=by,
        state=state,
        hold_reason=hold,
        fields=fields,
        note=note,
    )


def case(number: str, *updates: Update, **kwargs: Any) -> Case:
    return Case(
        number=number,
        path="test.csv",
        line=updates[0].line if updates else 2,
        opened_at=kwargs.pop("opened_at", T0),
        opened_by=kwargs.pop("opened_by", "Caller 1"),
        updates=list(updates),
        **kwargs,
    )


def closed_case(number: str, start: int = 0, **kwargs: Any) -> Case:
    """New -> In Progress -> Resolved -> Closed, assigned on the way."""
    return case(
        number,
        update(0, start, Status.NEW, caller="Caller 1", impact=2, urgency=2, priority=3,
               assignment_group="Group 1", category="Category 1", subcategory="Sub 1"),
        update(1, start + 10, Status.IN_PROGRESS, assigned_to="Resolver 1"),
        update(2, start + 60, Status.RESOLVED, by="Resolver 1", resolution_code="solution_provided"),  # noqa: E501
        update(3, start + 120, Status.CLOSED, by="Resolver 1", close_code="closed_by_agent"),
        **kwargs,
    )  # fmt: skip


class ListFormat:
    """A format over cases in memory: the engine sees exactly what a file format yields."""

    name: ClassVar[str] = "testlist"
    label: ClassVar[str] = "Test list"

    def __init__(self, items: Sequence[Case | Rejected]) -> None:
        self.items = list(items)

    def read(self, paths: Sequence[Path], options: ReadOptions) -> Iterator[Case | Rejected]:
        yield from self.items
