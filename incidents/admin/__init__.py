"""The incident admin and an incident's files on its change form. What incidents plug
into the kernel (the files panel, the priority matrix) is listed in ``incidents.wiring``."""

from incidents.admin import attachments, incident

__all__ = ["attachments", "incident"]
