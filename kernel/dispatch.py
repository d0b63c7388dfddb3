"""What adapters (admin, API, bulk actions) call on any ticket type.

Each ticket app names one function per move in its ``workflow`` module and bundles them,
with its create/update/note/priority functions, into one ``TicketWorkflow``. The generic
admin and API read that bundle, so no adapter is written per ticket type.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kernel.errors import MoveInvalid

if TYPE_CHECKING:
    from accounts.models import User
    from kernel.models import Ticket


def dispatch_move[T: "Ticket"](
    functions: Mapping[str, Callable[..., T]],
    ticket: T,
    name: str,
    *,
    by: "User | None",
    **inputs: Any,
) -> T:
    """Call the function of move ``name`` with the inputs its table entry declares; an
    input the move does not take is refused rather than silently dropped."""
    move = type(ticket).moves.get(name)
    unknown = set(inputs) - set(move.inputs)
    if unknown:
        raise MoveInvalid({field: ["Not an input of this move."] for field in sorted(unknown)})
    clean = {key: ("" if value is None else value) for key, value in inputs.items()}
    return functions[name](ticket, by=by, **clean)


def check_complete(model: type["Ticket"], functions: Mapping[str, object]) -> None:
    """Fail at import when a move of the table has no function (or a function no move)."""
    names = set(model.moves.names())
    if set(functions) != names:
        raise ImproperlyConfiguredMoves(
            f"{model.__name__}: moves {sorted(names)} but functions {sorted(functions)}"
        )


class ImproperlyConfiguredMoves(Exception):
    pass


@dataclass(frozen=True)
class TicketWorkflow[T: "Ticket"]:
    """A ticket type's writes, as the adapters see them."""

    create: Callable[..., T]
    """``create(by=..., **fields)``"""
    update: Callable[..., T]
    """``update(ticket, by=..., changes=..., reason=...)``"""
    move: Callable[..., T]
    """``move(ticket, name, by=..., **inputs)``"""
    add_note: Callable[..., object]
    """``add_note(ticket, by=..., body=..., internal=...)``"""
    override_priority: Callable[..., T]
    """``override_priority(ticket, by=..., priority=..., reason=...)``"""
    editable_fields: tuple[str, ...]
