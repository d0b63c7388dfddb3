"""Everything postmortems plug into, in one place; ``PostmortemsConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""

from functools import partial

from incidents.models import Incident
from kernel.admin.home import register_home_queues
from kernel.admin.panels import register_admin_panel
from kernel.editing import ticket_recalculate_priority
from kernel.priority import register_priority_recalculation
from kernel.search import Searchable, register_searchable
from kernel.transitions import register_move_guard
from postmortems import guard
from postmortems.admin.home import action_item_queues
from postmortems.admin.panels import (
    action_items_panel,
    blameless_panel,
    incident_postmortem_panel,
    problem_sources_panel,
    reviewers_panel,
)
from postmortems.models import Postmortem, PostmortemTimelineEntry
from postmortems.workflow import RULES
from problems.models import Problem


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # A major incident that needs a review does not close until it is published.
    register_move_guard(Incident, "close", guard.close_refusal)
    register_move_guard(Incident, "confirm", guard.close_refusal)
    # The review's own change form: who reviews, what follows up, the blameless check.
    register_admin_panel(Postmortem, reviewers_panel)
    register_admin_panel(Postmortem, action_items_panel)
    register_admin_panel(Postmortem, blameless_panel)
    # The incident's postmortem (or the button that starts it); a problem's sources.
    register_admin_panel(Incident, incident_postmortem_panel)
    register_admin_panel(Problem, problem_sources_panel)
    # The priority matrix's "apply" button re-prioritises open postmortems through this.
    register_priority_recalculation(Postmortem, partial(ticket_recalculate_priority, RULES))
    # The agents' home: my overdue action items.
    register_home_queues("postmortems", 50, action_item_queues)
    # One search: postmortems (agents only).
    register_searchable(
        Searchable(
            "postmortem",
            "Postmortems",
            Postmortem,
            PostmortemTimelineEntry,
            ("PIR",),
            ("title", "description", "customer_impact", "root_causes", "lessons"),
        )
    )
