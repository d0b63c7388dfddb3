"""Every write to a problem: one function per move, create/update/notes/priority on the
kernel, and the links to incidents (create from incidents, link, resolve them all).

Adapters call ``WORKFLOW``; ``problem_move(problem, name, by=..., **inputs)`` makes a move by
name.
"""

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

from django.db import transaction
from django.utils import timezone

from incidents.models import OPEN_STATES as INCIDENT_OPEN_STATES
from incidents.models import Incident
from incidents.models import ResolutionCode as IncidentResolution
from incidents.workflow import incident_resolve
from kernel.editing import (
    TicketRules,
    refuse_unknown,
    ticket_add_note,
    ticket_override_priority,
    ticket_save_new,
    ticket_update,
)
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed, WorkflowError
from kernel.moves import Done, MoveSet, Note, Reason, Text
from kernel.priority import priority_for
from kernel.workflow import lock, record_event
from problems.models import Problem, ProblemIncident, ResolutionCode, Status

if TYPE_CHECKING:
    from accounts.models import User

EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "service",
    "category",
    "subcategory",
    "impact",
    "urgency",
    "assignment_group",
    "assigned_to",
    "root_cause",
    "fix_notes",
)
FixNotes = Annotated[str, Text("The permanent fix.")]
RULES = TicketRules(
    model=Problem,
    editable=EDITABLE_FIELDS,
    work_permission="problems.change_problem",
    override_permission="problems.override_priority",
)


def problem_create(
    *, by: "User | None", title: str, incidents: Iterable[Incident] = (), **fields: Any
) -> Problem:
    """Log a problem, linked to ``incidents`` if given."""
    refuse_unknown(RULES, fields)
    problem = Problem(title=title, **fields)
    problem.priority = priority_for(problem.impact, problem.urgency)
    if problem.assignment_group_id is None and problem.service is not None:
        problem.assignment_group_id = problem.service.owner_team_id
    with transaction.atomic():
        ticket_save_new(problem, by=by)
        for incident in incidents:
            problem_link_incident(problem, incident, by=by)
    return problem


def problem_create_from_incidents(incidents: list[Incident], *, by: "User") -> Problem:
    """A problem pre-filled from the incidents it explains: the most common service and
    category, the highest impact and urgency among them, and their numbers in the
    statement."""
    if not incidents:
        raise MoveInvalid({"incidents": ["Select at least one incident."]})

    def most_common(values: Iterable[Any]) -> Any:
        counted = Counter(value for value in values if value is not None)
        return counted.most_common(1)[0][0] if counted else None

    listing = "\n".join(f"- {incident.number} {incident.title}" for incident in incidents)
    return problem_create(
        by=by,
        title=f"Recurring: {incidents[0].title}"[:200],
        description=f"Raised from {len(incidents)} incident(s):\n{listing}",
        service=most_common(incident.service for incident in incidents),
        category=most_common(incident.category for incident in incidents),
        impact=min(incident.impact for incident in incidents),
        urgency=min(incident.urgency for incident in incidents),
        incidents=incidents,
    )


def problem_update(
    problem: Problem, *, by: "User | None", changes: dict[str, Any], reason: str = ""
) -> Problem:
    return ticket_update(RULES, problem, by=by, changes=changes, reason=reason)


def problem_override_priority(
    problem: Problem, *, by: "User", priority: int | None, reason: str
) -> Problem:
    return ticket_override_priority(RULES, problem, by=by, priority=priority, reason=reason)


def problem_add_note(problem: Problem, *, by: "User", body: str, internal: bool) -> Problem:
    ticket_add_note(RULES, problem, by=by, body=body, internal=internal)
    return problem


# --- links to incidents -----------------------------------------------------------------


def problem_link_incident(problem: Problem, incident: Incident, *, by: "User | None") -> None:
    """Record that ``problem`` is behind ``incident``, on both timelines. An incident has
    one problem: linking it elsewhere is refused until it is unlinked."""
    if by is not None and not by.has_perm("problems.change_problem"):
        raise MoveForbidden("You may not link incidents to problems.")
    with transaction.atomic():
        current = lock(problem)
        if current.status == Status.CLOSED:
            raise MoveNotAllowed(f"{current.number} is closed: link a problem still open.")
        existing = ProblemIncident.objects.filter(incident=incident).select_related("problem")
        for link in existing:
            if link.problem_id == current.pk:
                return
            raise MoveNotAllowed(f"{incident.number} is linked to {link.problem.number} already.")
        ProblemIncident.objects.create(problem=current, incident=incident, linked_by=by)
        record_event(current, by=by, verb="incident_linked", data={"incident": incident.number})
        record_event(incident, by=by, verb="problem_linked", data={"problem": current.number})


def problem_resolve_incidents(problem: Problem, *, by: "User") -> list[Incident]:
    """Resolve every open incident linked to ``problem`` with its fix (once resolved) or
    its workaround, each through the incident workflow: one history row and one timeline
    event per incident. Returns those resolved; refusals are skipped (someone resolved
    the incident meanwhile)."""
    if problem.status in (Status.RESOLVED, Status.CLOSED) and problem.fix_notes:
        code, notes = IncidentResolution.RESOLVED_BY_PROBLEM, problem.fix_notes
    elif problem.known_error and problem.workaround:
        code, notes = IncidentResolution.KNOWN_ERROR, problem.workaround
    else:
        raise MoveNotAllowed(
            f"{problem.number} has neither a fix nor a workaround to resolve incidents with."
        )
    notes = f"{problem.number}: {notes}"
    open_incidents = problem.incidents.filter(status__in=INCIDENT_OPEN_STATES).order_by("pk")
    resolved: list[Incident] = []
    for incident in open_incidents:
        try:
            resolved.append(
                incident_resolve(incident, by=by, resolution_code=code, resolution_notes=notes)
            )
        except WorkflowError:
            continue
    if resolved:
        record_event(
            problem,
            by=by,
            verb="incidents_resolved",
            data={"incidents": [incident.number for incident in resolved], "code": code},
        )
    return resolved


# --- moves ------------------------------------------------------------------------------
# Each function is one move of ``problems.models.MOVES`` (``problem_<move>``); its
# annotated keywords are what the move asks for (``kernel.moves``).

moves = MoveSet(Problem, "problem")


@moves.define
def problem_assess(problem: Problem, *, by: "User | None") -> None:
    return None


@moves.define
def problem_analyze(problem: Problem, *, by: "User | None") -> None:
    return None


@moves.define
def problem_mark_known_error(
    problem: Problem,
    *,
    by: "User | None",
    workaround: Annotated[str, Text("How agents get users working meanwhile.")],
) -> Done:
    problem.workaround = workaround.strip()
    if not problem.known_error:
        problem.known_error = True
        problem.known_error_at = timezone.now()
    return Done(reason=workaround.strip(), data={"known_error": True})


@moves.define
def problem_start_fix(
    problem: Problem,
    *,
    by: "User | None",
    root_cause: Annotated[str, Text("What causes the problem.")],
    fix_notes: FixNotes = "",
) -> Done:
    problem.root_cause = root_cause.strip()
    if fix_notes.strip():
        problem.fix_notes = fix_notes.strip()
    return Done(reason=root_cause.strip())


@moves.define
def problem_resolve(problem: Problem, *, by: "User | None", fix_notes: FixNotes) -> Done:
    problem.fix_notes = fix_notes.strip()
    problem.resolution_code = ResolutionCode.FIX_APPLIED
    problem.resolved_at = timezone.now()
    return Done(reason=fix_notes.strip(), data={"resolution_code": ResolutionCode.FIX_APPLIED})


@moves.define
def problem_reopen(problem: Problem, *, by: "User | None", reason: Reason) -> Done:
    problem.resolution_code = ""
    problem.resolved_at = None
    return Done(reason=reason.strip())


def _close(problem: Problem, code: str, notes: str, duplicate_of: Problem | None = None) -> Done:
    problem.resolution_code = code
    problem.close_notes = notes.strip()
    problem.closed_at = timezone.now()
    problem.duplicate_of = duplicate_of
    return Done(reason=notes.strip(), data={"resolution_code": code})


@moves.define
def problem_close(problem: Problem, *, by: "User | None", note: Note = "") -> Done:
    return _close(problem, ResolutionCode.FIX_APPLIED, note)


@moves.define
def problem_close_duplicate(
    problem: Problem,
    *,
    by: "User | None",
    duplicate_of: Annotated[str, Text("The number of the problem kept open.", lines=1)],
    reason: Reason,
) -> Done:
    number = duplicate_of.strip().upper()
    original = Problem.objects.filter(number=number).exclude(pk=problem.pk).first()
    if original is None:
        raise MoveInvalid({"duplicate_of": [f"No other problem {duplicate_of!r}."]})
    done = _close(problem, ResolutionCode.DUPLICATE, reason, original)
    return Done(reason=f"Duplicate of {number}: {reason.strip()}", data=done.data)


@moves.define
def problem_accept_risk(problem: Problem, *, by: "User | None", reason: Reason) -> Done:
    return _close(problem, ResolutionCode.RISK_ACCEPTED, reason)


@moves.define
def problem_cancel(problem: Problem, *, by: "User | None", reason: Reason) -> Done:
    return _close(problem, ResolutionCode.CANCELED, reason)


WORKFLOW = moves.workflow(
    create=problem_create,
    update=problem_update,
    add_note=problem_add_note,
    override_priority=problem_override_priority,
    editable_fields=EDITABLE_FIELDS,
)
problem_move = WORKFLOW.move
