"""Links from a change to the problems it fixes and the incidents it caused, written on
both timelines, and the cross links (``kernel.links``) ``changes.wiring`` registers so
incidents and problems show them without importing this app."""

from typing import TYPE_CHECKING, Any

from django.db import transaction

from changes.models import Change, ChangeIncident, ChangeProblem
from incidents.models import Incident
from kernel.errors import MoveForbidden, MoveNotAllowed
from kernel.links import Relation
from kernel.workflow import lock, record_event
from problems.models import Problem

if TYPE_CHECKING:
    from accounts.models import User


def _may_link(by: "User | None") -> None:
    if by is not None and not by.has_perm("changes.change_change"):
        raise MoveForbidden("You may not link records to changes.")


def change_link_problem(change: Change, problem: Problem, *, by: "User | None") -> None:
    """Record that ``change`` fixes ``problem``."""
    _may_link(by)
    with transaction.atomic():
        current = lock(change)
        _, created = ChangeProblem.objects.get_or_create(change=current, problem=problem)
        if created:
            record_event(current, by=by, verb="problem_linked", data={"problem": problem.number})
            record_event(problem, by=by, verb="fixed_by_change", data={"change": current.number})


def change_link_incident(change: Change, incident: Incident, *, by: "User | None") -> None:
    """Mark ``incident`` as caused by ``change``: this is what the change failure rate
    counts. One causing change per incident."""
    _may_link(by)
    with transaction.atomic():
        current = lock(change)
        existing = ChangeIncident.objects.filter(incident=incident).select_related("change")
        for link in existing:
            if link.change_id == current.pk:
                return
            raise MoveNotAllowed(f"{incident.number} is marked as caused by {link.change.number}.")
        ChangeIncident.objects.create(change=current, incident=incident)
        record_event(current, by=by, verb="caused_incident", data={"incident": incident.number})
        record_event(incident, by=by, verb="caused_by_change", data={"change": current.number})


def _cause_of(incident: Incident) -> list[Any]:
    link = getattr(incident, "cause_link", None)  # a reverse one-to-one: absent, not None
    return [link.change] if link is not None else []


def _many(field: str, label: str) -> Relation:
    """A cross link that is a many-to-many field, prefetched so a list costs one query."""
    return Relation(
        field, label, lambda ticket: list(getattr(ticket, field).all()), prefetch_related=(field,)
    )


CAUSE_OF_INCIDENT = Relation(
    "caused_by_change", "Caused by change", _cause_of, select_related=("cause_link__change",)
)
FIXED_BY_CHANGES = _many("fixed_by_changes", "Fixed by changes")  # on problems
FIXES_PROBLEMS = _many("fixes_problems", "Fixes problems")  # on changes
CAUSED_INCIDENTS = _many("caused_incidents", "Caused incidents")  # on changes
