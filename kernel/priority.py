"""Priority is derived from impact and urgency through the (editable) matrix.

After a manager edits the matrix, ``apply_matrix`` re-prioritises the open tickets of
every type. The kernel knows no ticket type: each ticket app registers, from its
``wiring.connect()``, the workflow function that recomputes one of its tickets (locked,
audited, with its timeline event), and the kernel finds the open ones through the type's
move table.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.apps import apps
from django.db.models import Q

from kernel.enums import Priority
from kernel.models import PriorityCell, Ticket

if TYPE_CHECKING:
    from accounts.models import User

# ITIL's table as ServiceNow ships it; the data migration seeds the matrix from it.
DEFAULT_MATRIX: dict[tuple[int, int], int] = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}  # fmt: skip


def priority_for(impact: int, urgency: int) -> int:
    """The matrix's priority for this pair; a missing cell falls back to ITIL's default."""
    cell = PriorityCell.objects.filter(impact=impact, urgency=urgency).values_list(
        "priority", flat=True
    )
    for value in cell:
        return int(value)
    return DEFAULT_MATRIX.get((impact, urgency), Priority.PLANNING)


class Recalculate(Protocol):
    """A workflow function: apply the matrix to one open ticket as ``by``; True if its
    priority changed. Overridden priorities are the function's to keep."""

    def __call__(self, ticket: Any, /, *, by: "User | None") -> bool: ...


_recalculators: dict[type[Ticket], Recalculate] = {}


def register_priority_recalculation(model: type[Ticket], recalculate: Recalculate) -> None:
    _recalculators[model] = recalculate


def ticket_models() -> list[type[Ticket]]:
    """Every concrete ticket type installed, in ``INSTALLED_APPS`` order. Proxies (the
    known errors are problems) share their model's rows, so they are not types of their own."""
    return [
        model for model in apps.get_models() if issubclass(model, Ticket) and not model._meta.proxy
    ]


def recalculated_models() -> list[type[Ticket]]:
    """The ticket types the matrix is re-applied to: those that registered how."""
    return [model for model in ticket_models() if model in _recalculators]


def open_label(model: type[Ticket]) -> str:
    """What the matrix is applied to, for the admin's messages: "open incidents"."""
    return f"open {model._meta.verbose_name_plural}"


@dataclass(frozen=True)
class Applied:
    model: type[Ticket]
    changed: int

    @property
    def label(self) -> str:
        return open_label(self.model)


def _open_tickets(model: type[Ticket]) -> Iterator[Ticket]:
    # Only the key: the workflow locks and reloads each row itself. A Q, because the
    # abstract Ticket declares ``status`` only as each concrete type's field.
    queryset = model.objects.filter(Q(status__in=model.moves.open)).only("pk").order_by("pk")
    return queryset.iterator(chunk_size=500)


def apply_matrix(*, by: "User | None") -> list[Applied]:
    """Recompute every open ticket's priority, one locked ticket at a time through its
    workflow (so each change gets its history row and timeline event)."""
    return [
        Applied(model, sum(_recalculators[model](ticket, by=by) for ticket in _open_tickets(model)))
        for model in recalculated_models()
    ]
