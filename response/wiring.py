"""Everything response plugs into, in one place; ``AppConfig.ready()`` calls ``connect()``.
Nothing registers itself on import."""

from incidents.models import Incident
from kernel import events
from kernel.admin.actions import register_admin_actions
from kernel.admin.home import register_home_queues
from kernel.admin.panels import register_admin_panel, register_entry_title
from kernel.api.details import register_detail_field
from response import cadence, timeline
from response.admin.actions import link_to_major_incident
from response.admin.home import major_queues
from response.admin.panels import major_panel, milestones_panel, suggestion_panel, updates_panel
from response.api.details import ChildrenCountField, NextUpdateDueField


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # A declared major incident starts keeping its update cadence; undeclared, it stops.
    events.subscribe(cadence.handle_event, dispatch_uid="response.cadence")
    # The incident's change form: the response to a major incident, and on an incident of
    # a service with an open major incident, the suggestion to link it as a child.
    register_admin_panel(Incident, suggestion_panel)
    register_admin_panel(Incident, major_panel)
    register_admin_panel(Incident, updates_panel)
    register_admin_panel(Incident, milestones_panel)
    # Every ticket's timeline on its change form, in the merged timeline's words.
    register_entry_title(timeline.entry_title)
    # The incident changelist: "Link to a major incident…".
    register_admin_actions(Incident, link_to_major_incident)
    # The incident's API detail: its children and the next update due.
    register_detail_field(Incident, "children_count", ChildrenCountField)
    register_detail_field(Incident, "next_update_due", NextUpdateDueField)
    # The agents' home: open major incidents, one click to the board.
    register_home_queues("response", 30, major_queues)
