"""The problem side of the cross links: an incident shows its problem, a problem its
incidents. Registered on start (``ProblemsConfig.ready``) so incidents import nothing
from here."""

from typing import Any

from incidents.models import Incident
from kernel.links import Relation, register_relation
from problems.models import Problem


def _problem_of(incident: Incident) -> list[Any]:
    link = getattr(incident, "problem_link", None)  # a reverse one-to-one: absent, not None
    return [link.problem] if link is not None else []


def _incidents_of(problem: Problem) -> list[Any]:
    return list(problem.incidents.all())


def register() -> None:
    register_relation(
        Incident,
        Relation("problem", "Problem", _problem_of, select_related=("problem_link__problem",)),
    )
    register_relation(
        Problem,
        Relation(
            "incidents",
            "Incidents",
            _incidents_of,
            prefetch_related=("incidents",),
        ),
    )
