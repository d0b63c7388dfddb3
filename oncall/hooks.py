"""How on-call hears about incidents: a ``kernel.events`` handler, inside the change's
transaction. A major incident starts paging; an acknowledgement or a close stops it."""

from typing import TYPE_CHECKING

from incidents.models import Incident
from oncall.escalation import escalation_start, escalation_stop

if TYPE_CHECKING:
    from kernel.models import Ticket, TimelineEntry

OWN_VERBS = frozenset({"paged", "paging_exhausted"})
MAY_START = frozenset({"created", "priority", "updated"})


def handle_ticket_event(ticket: "Ticket", entry: "TimelineEntry") -> None:
    if not isinstance(ticket, Incident) or entry.verb in OWN_VERBS:
        return
    if ticket.acknowledged_at is not None or not ticket.is_open:
        escalation_stop(ticket, by=entry.author)
    elif entry.verb in MAY_START:
        escalation_start(ticket)
