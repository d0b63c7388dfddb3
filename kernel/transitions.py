"""Allowed transitions as data. Each ticket type declares one ``MoveTable`` beside its
``Status`` choices; the workflow, the admin buttons, the API actions and the docs read it."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

from kernel.errors import MoveForbidden, MoveNotAllowed, WorkflowError
from kernel.notices import MOVE_AUDIENCE, Audience, Notice, NoticeKind

if TYPE_CHECKING:
    from accounts.models import User
    from kernel.models import Ticket


@dataclass(frozen=True)
class Move:
    """One allowed transition: where it goes, who may make it and whom it tells. What it
    asks for is the signature of its workflow function (``kernel.moves``)."""

    name: str
    """The verb: the API action (``POST .../<name>/``) and the workflow function suffix."""
    label: str
    sources: frozenset[int]
    target: int | None
    """The state the move leads to; ``None`` for a move that records something (a
    workaround, say) without leaving the state."""
    permission: str = ""
    """Permission needed to make the move (``app.codename``)."""
    requester_may: bool = False
    """The record's requester (an incident's caller) may make it without the permission."""
    help: str = ""
    only_if: Callable[[Any], bool] | None = None
    """A rule beyond the state, on the ticket itself (a change's type, say)."""
    only_if_help: str = ""
    """The rule in words, for the refusal: "normal changes only"."""
    words: str = ""
    """What happened, in the past tense, for notices ("resolved"); the name if blank."""
    kind: str = NoticeKind.STATE_CHANGED
    """The kind of notice it sends (people choose channels per kind)."""
    audience: frozenset[Audience] = MOVE_AUDIENCE
    """Who hears about it; an empty set tells nobody."""
    shows: tuple[str, ...] = ()
    """Keys of the timeline event's data its notice carries (a change's booked window)."""

    def permits(self, user: "User | None", ticket: "Ticket") -> bool:
        if user is None:  # the system itself (scheduled jobs)
            return True
        if not user.is_active:
            return False
        if self.requester_may and ticket.is_requester(user):
            return True
        return user.has_perm(self.permission)

    def notice(self, words: str = "") -> Notice | None:
        if not self.audience:
            return None
        return Notice(self.kind, words or self.words or self.name, self.audience, shows=self.shows)


type Guard = Callable[[Any], str | None]
"""Why a move is refused on a ticket now, in words ("Publish the postmortem first"), or
None: a rule a higher app adds to a lower type's move (``register_move_guard``)."""


@dataclass
class MoveTable:
    status: type[models.IntegerChoices]
    moves: tuple[Move, ...]
    open: frozenset[int] = frozenset()
    """States in which the ticket is still being worked (its priority may still change)."""
    finished: frozenset[int] = frozenset()
    """States in which the ticket is read-only: no edits, notes or attachments."""
    _by_name: dict[str, Move] = field(init=False, repr=False)
    _guards: dict[str, dict[str, Guard]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {move.name: move for move in self.moves}
        self._guards = {}
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
        """The moves the ticket's state and its own rules (``only_if``, guards) allow."""
        return [
            move
            for move in self.allowed_from(ticket.status)
            if (move.only_if is None or move.only_if(ticket)) and not self.guarded(ticket, move)
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
        reason = self.guarded(ticket, move)
        if reason:
            raise MoveNotAllowed(f"Cannot {move.label.lower()}: {reason}")
        return move

    def guarded(self, ticket: "Ticket", move: Move) -> str | None:
        """The first reason a registered guard gives to refuse ``move`` now, or None."""
        for guard in self._guards.get(move.name, {}).values():
            reason = guard(ticket)
            if reason:
                return reason
        return None

    def guard(self, name: str, guard: Guard, *, uid: str) -> None:
        """Refuse move ``name`` whenever ``guard`` gives a reason (see
        ``register_move_guard``); the same uid registers once."""
        self.get(name)
        self._guards.setdefault(name, {})[uid] = guard

    def refusal(self, ticket: "Ticket", name: str, user: "User | None") -> WorkflowError | None:
        """Why ``user`` may not make move ``name`` on ``ticket`` now, or ``None``: the
        state, the move's own rule, then the user's rights. The workflow raises it under
        the row lock; adapters read it only to decide what to offer."""
        try:
            move = self.check_ticket(ticket, name)
        except MoveNotAllowed as exc:
            return exc
        if not move.permits(user, ticket):
            return MoveForbidden(f"You may not {move.label.lower()} {ticket.number}.")
        return None

    def offered(self, ticket: "Ticket", user: "User") -> list[Move]:
        """The moves ``user`` may make on ``ticket`` now (buttons, ``allowed_moves``)."""
        return [move for move in self.allowed_for(ticket) if move.permits(user, ticket)]

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


def register_move_guard(model: type["Ticket"], move: str, guard: Guard) -> None:
    """Refuse ``model``'s move ``move`` while ``guard(ticket)`` gives a reason: a rule
    that belongs to a higher app (an incident may not close before its postmortem is
    published). The refusal reads "Cannot <move>: <reason>" wherever the move is made,
    and the move is not offered meanwhile. Called from an app's ``wiring``; idempotent."""
    model.moves.guard(move, guard, uid=f"{guard.__module__}.{guard.__qualname__}")
