"""Everything changes plug into, in one place; ``ChangesConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""

from functools import partial

from changes import links
from changes.admin.change import approvals_panel, conflicts_panel
from changes.admin.home import change_queues
from changes.admin.hooks import mark_caused_by_change, mark_fixed_by_change
from changes.models import Change, ChangeTimelineEntry
from changes.workflow import RULES
from incidents.models import Incident
from kernel.admin.actions import register_admin_actions
from kernel.admin.home import register_home_queues
from kernel.admin.panels import register_admin_panel
from kernel.editing import ticket_recalculate_priority
from kernel.links import register_relation
from kernel.priority import register_priority_recalculation
from kernel.search import Searchable, register_searchable
from problems.models import Problem


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # Cross links: the change that caused an incident, the changes that fix a problem,
    # and both from the change's side.
    register_relation(Incident, links.CAUSE_OF_INCIDENT)
    register_relation(Problem, links.FIXED_BY_CHANGES)
    register_relation(Change, links.FIXES_PROBLEMS)
    register_relation(Change, links.CAUSED_INCIDENTS)
    # The incident and problem consoles: "mark as caused / fixed by a change…".
    register_admin_actions(Incident, mark_caused_by_change)
    register_admin_actions(Problem, mark_fixed_by_change)
    # The change's own form: approvals, and conflicts before it is scheduled.
    register_admin_panel(Change, approvals_panel)
    register_admin_panel(Change, conflicts_panel)
    # The priority matrix's "apply" button re-prioritises open changes through this.
    register_priority_recalculation(Change, partial(ticket_recalculate_priority, RULES))
    # The agents' home: changes awaiting my approval.
    register_home_queues("changes", 40, change_queues)
    # One search: changes (agents only).
    register_searchable(
        Searchable(
            "change",
            "Changes",
            Change,
            ChangeTimelineEntry,
            ("CHG",),
            ("title", "description", "justification"),
        )
    )
