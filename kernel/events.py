"""The kernel's one extension point: handlers told about every timeline event.

``record_event`` calls :func:`publish` right after it writes the timeline entry, inside the
caller's transaction. Handlers therefore see the change and the entry that describes it,
and whatever they write (an outbox row, an escalation) commits or rolls back with them.
That is the point of the hook: apps such as ``notifications`` and ``oncall`` react to ticket
events without the kernel importing them, and without ``post_save`` receivers.

Register from the app's ``wiring.connect()`` (called by its ``AppConfig.ready()``)::

    events.subscribe(handle_ticket_event, dispatch_uid="notifications")

A handler takes ``(ticket, entry)`` and returns nothing. It must be quick (no network: queue
work with ``transaction.on_commit``) and may raise only to veto the change: an exception
rolls the whole change back.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.models import Ticket, TimelineEntry

Handler = Callable[["Ticket", "TimelineEntry"], None]

_handlers: dict[str, Handler] = {}
_muted: ContextVar[bool] = ContextVar("kernel_events_muted", default=False)


def subscribe(handler: Handler, *, dispatch_uid: str) -> None:
    """Call ``handler`` for every timeline event; the same uid registers once (ready() may
    run more than once in tests)."""
    _handlers[dispatch_uid] = handler


def unsubscribe(dispatch_uid: str) -> None:
    _handlers.pop(dispatch_uid, None)


@contextmanager
def muted() -> Iterator[None]:
    """Write history without telling anyone: imports and the demo seed replay past events
    that must not page people or mail them today."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    """Whether this code runs inside ``muted()``: senders outside the hook (mail to
    addresses that are no users) ask, so that a muted seed mails nobody at all."""
    return _muted.get()


def publish(ticket: "Ticket", entry: "TimelineEntry") -> None:
    """Tell every handler, in registration order (nobody while ``muted``)."""
    if _muted.get():
        return
    for handler in list(_handlers.values()):
        handler(ticket, entry)
