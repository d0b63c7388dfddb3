"""The postmortem admin, its action items and templates, and the panels it adds to
incidents and problems (plugged in by ``postmortems.wiring``)."""

from postmortems.admin import action_items, panels, postmortem, templates

__all__ = ["action_items", "panels", "postmortem", "templates"]
