"""A move, declared once.

A ticket type's ``Move`` entry (beside its ``Status`` choices) says where the move goes,
who may make it and whom it tells. Its workflow function, decorated with
``MoveSet.define``, says what it changes; its signature says what it asks for: every
keyword annotated ``Annotated[str, Text(...)]`` (or ``Choice``, ``TeamRef``) is an input,
required unless it has a default. The kernel wraps the function so that each call locks
the row, refuses a move the state, the ticket's rules or the user's rights do not allow,
parses the inputs, runs the function, saves with an audit row and writes the timeline
event with its notice. The admin forms, the API serializers and the schema are built from
the same signature (``TicketWorkflow.inputs``).

    @moves.define
    def incident_hold(incident: Incident, *, by: Actor,
                      hold_reason: Annotated[str, Choice(HoldReason, "...")],
                      note: Note = "") -> Done:
        incident.hold_reason = hold_reason
        return Done(reason=note)
"""

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Concatenate, cast, get_origin

from django.db import models, transaction

from kernel.errors import MoveInvalid
from kernel.models import Ticket
from kernel.transitions import Move
from kernel.workflow import lock, record_event, save_audited

if TYPE_CHECKING:
    from accounts.models import User


# --- what a move asks for ----------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    help: str = ""
    label: str = ""
    lines: int = 4
    """How tall the admin's box is; 1 for a one-line field."""
    max_length: int = 50_000


@dataclass(frozen=True)
class Choice:
    choices: type[models.Choices]
    help: str = ""
    label: str = ""


@dataclass(frozen=True)
class TeamRef:
    """An active team, by id (the API) or as a ``Team`` (admin forms, direct calls); the
    function gets the ``Team``."""

    help: str = ""
    label: str = ""


type Kind = Text | Choice | TeamRef

Note = Annotated[str, Text("A remark.")]
Reason = Annotated[str, Text("Why.")]


@dataclass(frozen=True)
class Input:
    name: str
    kind: Kind
    required: bool
    default: Any = ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_input(spec: Input, value: Any, move: Move) -> Any:
    """The value the function gets, or ``ValueError`` with the message for the field."""
    if _blank(value):
        if spec.required:
            raise ValueError(f"This field is required to {move.label.lower()}.")
        return spec.default if value is None else value
    kind = spec.kind
    if isinstance(kind, TeamRef):
        return _team(value)
    if not isinstance(value, str):
        raise ValueError("Not a valid string.")
    if "\x00" in value:  # PostgreSQL stores no NUL in text
        raise ValueError("Null characters are not allowed.")
    if isinstance(kind, Choice) and value not in kind.choices.values:
        raise ValueError(f"{value!r} is not a valid choice.")
    if isinstance(kind, Text) and len(value) > kind.max_length:
        raise ValueError(f"Ensure this field has no more than {kind.max_length} characters.")
    return value


def _team(value: Any) -> Any:
    from catalog.models import Team

    if isinstance(value, Team):
        team: Team | None = value
    elif isinstance(value, int | str) and not isinstance(value, bool):
        try:
            team = Team.objects.filter(pk=int(value)).first()
        except ValueError:
            team = None
    else:
        team = None
    if team is None or not team.is_active:
        raise ValueError(f"No active team {value!r}.")
    return team


def inputs_of(function: Callable[..., Any]) -> tuple[Input, ...]:
    """The inputs a move function declares, in signature order."""
    found = []
    for parameter in inspect.signature(function).parameters.values():
        annotation = parameter.annotation
        if get_origin(annotation) is not Annotated:
            continue
        kinds = [
            meta for meta in annotation.__metadata__ if isinstance(meta, Text | Choice | TeamRef)
        ]
        if not kinds:
            continue
        required = parameter.default is inspect.Parameter.empty
        default = None if required else parameter.default
        found.append(Input(parameter.name, kinds[0], required, default))
    return tuple(found)


# --- what a move function returns -----------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """What the move's function tells the kernel after changing the locked ticket."""

    reason: str = ""
    """Why, for the history row and the timeline event's body."""
    data: dict[str, Any] = field(default_factory=dict)
    """Extra data for the timeline event (the codes it set, the group it named)."""
    words: str = ""
    """The notice's words when they depend on the move's inputs ("escalated to Network")."""
    then: Callable[[Any], None] | None = None
    """Runs after the move's event, in its transaction (an event that follows the move)."""


@dataclass(frozen=True)
class MoveSpec[T: Ticket]:
    move: Move
    body: Callable[..., Done | None]
    inputs: tuple[Input, ...]


def perform[T: Ticket](
    spec: MoveSpec[T], ticket: T, *, by: "User | None", given: Mapping[str, Any], strict: bool
) -> T:
    """Make the move and return the saved, locked copy. Raises ``MoveNotAllowed``
    (state), ``MoveForbidden`` (user) or ``MoveInvalid`` (inputs), in that order, all
    checked under the row lock; nothing is saved then. ``strict`` refuses what is not an
    input (adapters' calls); direct calls may pass the function's other keywords."""
    move, table = spec.move, type(ticket).moves
    with transaction.atomic():
        current = lock(ticket)
        refusal = table.refusal(current, move.name, by)
        if refusal is not None:
            raise refusal
        values = _parse(spec, given, strict)
        before = current.status
        done = spec.body(current, by=by, **values) or Done()
        current.status = table.target_of(move, before)
        save_audited(current, by=by, reason=done.reason or move.label)
        record_event(
            current,
            by=by,
            verb=move.name,
            body=done.reason,
            data={"from": before, "to": current.status, **done.data},
            notice=move.notice(done.words),
        )
        if done.then is not None:
            done.then(current)
    return current


def _parse[T: Ticket](spec: MoveSpec[T], given: Mapping[str, Any], strict: bool) -> dict[str, Any]:
    names = {item.name for item in spec.inputs}
    errors: dict[str, list[str]] = {}
    if strict:
        for name in sorted(set(given) - names):
            errors[name] = ["Not an input of this move."]
    values = {name: value for name, value in given.items() if name not in names}
    for item in spec.inputs:
        try:
            values[item.name] = parse_input(item, given.get(item.name), spec.move)
        except ValueError as exc:
            errors[item.name] = [str(exc)]
    if errors:
        raise MoveInvalid(errors)
    return values


# --- a ticket type's moves and workflow ------------------------------------------------------


class MoveSet[T: Ticket]:
    """The move functions of one ticket type, bound to its move table by name: the
    function ``<prefix>_<move>`` makes move ``<move>``."""

    def __init__(self, model: type[T], prefix: str) -> None:
        self.model = model
        self.prefix = prefix
        self.specs: dict[str, MoveSpec[T]] = {}

    def define[**P](
        self, body: Callable[Concatenate[T, P], Done | None]
    ) -> Callable[Concatenate[T, P], T]:
        name = body.__name__.removeprefix(f"{self.prefix}_")
        if name not in self.model.moves.names():
            raise ImproperlyConfiguredMoves(
                f"{body.__name__}: {self.model.__name__} has no move {name!r}."
            )
        spec: MoveSpec[T] = MoveSpec(self.model.moves.get(name), body, inputs_of(body))
        self.specs[name] = spec

        @functools.wraps(body)
        def run(ticket: T, /, *args: P.args, **kwargs: P.kwargs) -> T:
            given = dict(kwargs)
            by = cast("User | None", given.pop("by"))
            return perform(spec, ticket, by=by, given=given, strict=False)

        return run

    def workflow(self, **parts: Any) -> "TicketWorkflow[T]":
        """The bundle adapters call; fails at import when a move has no function."""
        missing = set(self.model.moves.names()) - set(self.specs)
        if missing:
            raise ImproperlyConfiguredMoves(
                f"{self.model.__name__}: no function for moves {sorted(missing)}"
            )
        return TicketWorkflow(moves=self, **parts)


class ImproperlyConfiguredMoves(Exception):
    pass


@dataclass(frozen=True)
class TicketWorkflow[T: Ticket]:
    """A ticket type's writes, as the adapters see them."""

    moves: MoveSet[T]
    create: Callable[..., T]
    """``create(by=..., **fields)``"""
    update: Callable[..., T]
    """``update(ticket, by=..., changes=..., reason=...)``"""
    add_note: Callable[..., object]
    """``add_note(ticket, by=..., body=..., internal=...)``"""
    override_priority: Callable[..., T]
    """``override_priority(ticket, by=..., priority=..., reason=...)``"""
    editable_fields: tuple[str, ...]

    @property
    def model(self) -> type[T]:
        return self.moves.model

    def move(self, ticket: T, name: str, /, *, by: "User | None", **inputs: Any) -> T:
        """Make move ``name`` (``make`` with keyword inputs)."""
        return self.make(ticket, name, by=by, inputs=inputs)

    def make(self, ticket: T, name: str, *, by: "User | None", inputs: Mapping[str, Any]) -> T:
        """Make move ``name`` with inputs as an adapter received them; anything that is
        not an input of the move is refused rather than silently dropped."""
        spec: MoveSpec[T] | None = self.moves.specs.get(name)
        if spec is None:
            self.model.moves.get(name)  # raises MoveNotAllowed: no such move
            raise ImproperlyConfiguredMoves(name)
        return perform(spec, ticket, by=by, given=inputs, strict=True)

    def inputs(self, name: str) -> tuple[Input, ...]:
        """What move ``name`` asks for, in order."""
        return self.moves.specs[name].inputs
