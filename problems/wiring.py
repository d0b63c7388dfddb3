"""Everything problems plug into, in one place; ``ProblemsConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""

from functools import partial

from incidents.models import Incident
from kernel.admin.actions import register_admin_actions
from kernel.admin.panels import register_admin_panel
from kernel.editing import ticket_recalculate_priority
from kernel.links import register_relation
from kernel.priority import register_priority_recalculation
from problems import links
from problems.admin.incident_hooks import create_problem, known_error_panel, link_to_problem
from problems.models import Problem
from problems.workflow import RULES


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # Cross links: an incident shows its problem, a problem its incidents.
    register_relation(Incident, links.PROBLEM_OF_INCIDENT)
    register_relation(Problem, links.INCIDENTS_OF_PROBLEM)
    # The incident console: bulk actions on its list, known errors on its change form.
    register_admin_actions(Incident, create_problem, link_to_problem)
    register_admin_panel(Incident, known_error_panel)
    # The priority matrix's "apply" button re-prioritises open problems through this.
    register_priority_recalculation(Problem, partial(ticket_recalculate_priority, RULES))
