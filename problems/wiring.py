"""Everything problems plug into, in one place; ``ProblemsConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""

from functools import partial

from django.db.models import Q

from incidents.models import Incident
from kernel.admin.actions import register_admin_actions
from kernel.admin.panels import register_admin_panel
from kernel.editing import ticket_recalculate_priority
from kernel.links import register_relation
from kernel.priority import register_priority_recalculation
from kernel.search import Searchable, register_searchable
from problems import links
from problems.admin.incident_hooks import create_problem, known_error_panel, link_to_problem
from problems.models import KnownError, Problem, ProblemTimelineEntry
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
    # One search: problems, and known errors as a group of their own (``KE12`` jumps too).
    text = ("title", "description", "workaround", "root_cause")
    register_searchable(
        Searchable(
            "problem",
            "Problems",
            Problem,
            ProblemTimelineEntry,
            ("PRB",),
            text,
            scope=Q(known_error=False),
        )
    )
    register_searchable(
        Searchable(
            "known_error",
            "Known errors",
            KnownError,
            ProblemTimelineEntry,
            ("PRB", "KE"),
            text,
            scope=Q(known_error=True),
        )
    )
