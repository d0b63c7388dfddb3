"""The problem side of the cross links: an incident shows its problem, a problem its
incidents. ``problems.wiring`` registers them on start, so incidents import nothing from
here."""

from typing import Any

from incidents.models import Incident
from kernel.links import Relation
from problems.models import Problem


def _problem_of(incident: Incident) -> list[Any]:
    link = getattr(incident, "problem_link", None)  # a reverse one-to-one: absent, not None
    return [link.problem] if link is not None else []


def _incidents_of(problem: Problem) -> list[Any]:
    return list(problem.incidents.all())


PROBLEM_OF_INCIDENT = Relation(
    "problem", "Problem", _problem_of, select_related=("problem_link__problem",)
)
INCIDENTS_OF_PROBLEM = Relation(
    "incidents", "Incidents", _incidents_of, prefetch_related=("incidents",)
)
