"""Allowed transitions as data. Each ticket type declares one ``MoveTable`` beside its
``Status`` choices; the workflow, the admin buttons, the API actions and the docs read it."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
    target: int
    inputs: tuple[str, ...] = ()
    """What the move asks the user for; all required unless listed in ``optional``."""
    optional: tuple[str, ...] = ()
    permission: str = ""
    """Permission needed to make the move (``app.codename``)."""
    requester_may: bool = False
    """The record's requester (an incident's caller) may make it without the permission."""
    help: str = ""

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

    def check(self, status: int, name: str) -> Move:
        move = self.get(name)
        if status not in move.sources:
            label = self.status(status).label
            raise MoveNotAllowed(
                f"Cannot {move.label.lower()}: the record is {label}. "
                f"Allowed from {self.describe_sources(move)} only."
            )
        return move

    def describe_sources(self, move: Move) -> str:
        return ", ".join(self.status(s).label for s in sorted(move.sources))

    def mermaid(self) -> str:
        """The table as a Mermaid state diagram; the README embeds it (a test keeps it true)."""

        def node(status: int) -> str:
            return self.status(status).name.title().replace("_", "")

        lines = ["stateDiagram-v2", f"    [*] --> {node(self.status.values[0])}"]
        for move in self.moves:
            for source in sorted(move.sources):
                lines.append(f"    {node(source)} --> {node(move.target)}: {move.name}")
        return "\n".join(lines)

    def rows(self) -> Iterable[tuple[str, str, str]]:
        """(move, from, to) rows for documentation and tests."""
        for move in self.moves:
            yield move.name, self.describe_sources(move), self.status(move.target).label
