"""The generic ticket admin every ticket type's admin builds on (``ticket.TicketAdmin``),
its move/note/priority pages, bulk actions, panels and list helpers, and the priority
matrix admin. Django's admin autodiscovery imports this package, which registers the
matrix admin (``matrix``)."""

from kernel.admin import matrix

__all__ = ["matrix"]
