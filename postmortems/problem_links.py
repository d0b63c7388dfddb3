"""From learning to fixing: a review's root cause, or one of its action items, opens a
problem in one click, pre-filled and linked both ways (the problem links the incident;
the postmortem or the item points at the problem, whose page lists them)."""

from typing import TYPE_CHECKING

from django.db import transaction

from kernel.errors import MoveForbidden, MoveNotAllowed
from kernel.workflow import lock, record_event, save_audited
from postmortems.models import ActionItem, Postmortem
from problems.models import Problem, ProblemIncident
from problems.workflow import problem_create, problem_link_incident

if TYPE_CHECKING:
    from accounts.models import User


def _open(postmortem: Postmortem, *, by: "User", title: str, statement: str) -> Problem:
    if not by.has_perm("problems.add_problem"):
        raise MoveForbidden("You may not log problems.")
    incident = postmortem.incident
    problem = problem_create(
        by=by,
        title=title[:200],
        description=statement,
        service=incident.service,
        category=incident.category,
        impact=incident.impact,
        urgency=incident.urgency,
        assignment_group=incident.assignment_group,
    )
    # An incident has one problem: when it has one already, the new problem says where it
    # came from and the earlier link stays.
    if not ProblemIncident.objects.filter(incident=incident).exists():
        problem_link_incident(problem, incident, by=by)
    return problem


def problem_open_for_root_cause(postmortem: Postmortem, *, by: "User") -> Problem:
    """Open the problem behind the review's root causes (once per postmortem)."""
    with transaction.atomic():
        current = lock(postmortem)
        if current.problem_id is not None:
            raise MoveNotAllowed(f"{current.number} opened {current.problem} already.")
        causes = current.root_causes.strip()
        if not causes:
            raise MoveNotAllowed(f"Write the root causes of {current.number} first.")
        problem = _open(
            current,
            by=by,
            title=f"Root cause of {current.incident.number}: {current.incident.title}",
            statement=f"Opened from {current.number} ({current.incident.number}).\n\n{causes}",
        )
        current.problem = problem
        save_audited(current, by=by, reason=f"Problem {problem.number} opened")
        record_event(current, by=by, verb="problem_opened", data={"problem": problem.number})
    return problem


def problem_open_for_item(item: ActionItem, *, by: "User") -> Problem:
    """Open a problem that carries out ``item`` (once per item)."""
    with transaction.atomic():
        current = (
            ActionItem.objects.select_for_update().select_related("postmortem").get(pk=item.pk)
        )
        if current.problem_id is not None:
            raise MoveNotAllowed(f"{current.title!r} is carried by {current.problem} already.")
        postmortem = current.postmortem
        problem = _open(
            postmortem,
            by=by,
            title=current.title,
            statement=(
                f"Action item of {postmortem.number} ({postmortem.incident.number}), "
                f"{current.get_kind_display().lower()}.\n\nRoot causes:\n{postmortem.root_causes}"
            ).strip(),
        )
        current.problem = problem
        save_audited(current, by=by, reason=f"Problem {problem.number} opened")
        record_event(
            postmortem,
            by=by,
            verb="problem_opened",
            body=current.title,
            data={"problem": problem.number, "action_item": current.pk},
        )
    return problem
