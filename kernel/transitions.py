"""Allowed transitions as data. Each ticket type declares one ``MoveTable`` beside its
``Status`` choices; the workflow, the admin buttons, the API actions and the docs read it."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

from kernel.errors import MoveNotAllowed

if TYPE_CHECKING:
    from accounts.models import User
    from kernel.models import Ticket


@dataclass(frozen=True)
class Move:
    name: str
    """The verb: the API action (``POST .../<name>/``) and the workflow function suffix."""
    label: str
    sources: frozenset[int]
    target: int | None
    """The state the move leads to; ``None`` for a move that records something (a
    workaround, say) without leaving the state."""
    inputs: tuple[str, ...] = ()
    """What the move asks the user for; all required unless listed in ``optional``."""
    optional: tuple[str, ...] = ()
    permission: str = ""
    """Permission needed to make the move (``app.codename``)."""
    requester_may: bool = False
    """The record's requester (an incident's caller) may make it without the permission."""
    help: str = ""
    only_if: Callable[[Any], bool] | None = None
    """A rule beyond the state, on the ticket itself (a change's type, say)."""
    only_if_help: str = ""
    """The rule in words, for the refusal: "normal changes only"."""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name in self.inputs if name not in self.optional)

    def permits(self, user: "User | None", ticket: "Ticket") -> bool:
        if user is None:  # the system itself (scheduled jobs)
            return True
        if not user.is_active:
            return False
        if self.requester_may and ticket.is_requester(user):
            return True
        return user.has_perm(self.permission)


@dataclass
class MoveTable:
    status: type[models.IntegerChoices]
    moves: tuple[Move, ...]
    open: frozenset[int] = frozenset()
    """States in which the ticket is still being worked (its priority may still change)."""
    finished: frozenset[int] = frozenset()
    """States in which the ticket is read-only: no edits, notes or attachments."""
    _by_name: dict[str, Move] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {move.name: move for move in self.moves}
        if len(self._by_name) != len(self.moves):
            raise ValueError("Move names must be unique")

    def __iter__(self) -> Iterator[Move]:
        return iter(self.moves)

    def names(self) -> list[str]:
        return list(self._by_name)

    def get(self, name: str) -> Move:
        try:
            return self._by_name[name]
        except KeyError:
            raise MoveNotAllowed(f"There is no move called {name!r}.") from None

    def allowed_from(self, status: int) -> list[Move]:
        return [move for move in self.moves if status in move.sources]

    def allowed_for(self, ticket: "Ticket") -> list[Move]:
        """The moves the ticket's state and its own rules (``only_if``) allow."""
        return [
            move
            for move in self.allowed_from(ticket.status)
            if move.only_if is None or move.only_if(ticket)
        ]

    def check(self, status: int, name: str) -> Move:
        move = self.get(name)
        if status not in move.sources:
            label = self.status(status).label
            raise MoveNotAllowed(
                f"Cannot {move.label.lower()}: the record is {label}. "
                f"Allowed from {self.describe_sources(move)} only."
            )
        return move

    def check_ticket(self, ticket: "Ticket", name: str) -> Move:
        """``check`` on the ticket's state, then the move's own rule on the ticket."""
        move = self.check(ticket.status, name)
        if move.only_if is not None and not move.only_if(ticket):
            raise MoveNotAllowed(f"Cannot {move.label.lower()}: {move.only_if_help}.")
        return move

    def target_of(self, move: Move, status: int) -> int:
        return status if move.target is None else move.target

    def describe_sources(self, move: Move) -> str:
        return ", ".join(self.status(s).label for s in sorted(move.sources))

    def mermaid(self) -> str:
        """The table as a Mermaid state diagram; the README embeds it (a test keeps it true)."""

        def node(status: int) -> str:
            return self.status(status).name.title().replace("_", "")

        lines = ["stateDiagram-v2", f"    [*] --> {node(self.status.values[0])}"]
        for move in self.moves:
            for source in sorted(move.sources):
                target = self.target_of(move, source)
                lines.append(f"    {node(source)} --> {node(target)}: {move.name}")
        return "\n".join(lines)

    def describe_target(self, move: Move) -> str:
        return "the same state" if move.target is None else self.status(move.target).label

    def rows(self) -> Iterable[tuple[str, str, str]]:
        """(move, from, to) rows for documentation and tests."""
        for move in self.moves:
            yield move.name, self.describe_sources(move), self.describe_target(move)
