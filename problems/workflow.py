"""Every write to a problem: one function per move, create/update/notes/priority on the
kernel, and the links to incidents (create from incidents, link, resolve them all).

Each move function's keyword arguments are the move's ``inputs`` in ``problems.models.MOVES``,
so adapters call ``problem_move(problem, name, by=..., **inputs)`` generically.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from incidents.models import OPEN_STATES as INCIDENT_OPEN_STATES
from incidents.models import Incident
from incidents.models import ResolutionCode as IncidentResolution
from incidents.workflow import incident_resolve
from kernel.dispatch import TicketWorkflow, check_complete, dispatch_move
from kernel.editing import (
    TicketRules,
    refuse_unknown,
    ticket_add_note,
    ticket_override_priority,
    ticket_save_new,
    ticket_update,
)
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed, WorkflowError
from kernel.priority import priority_for
from kernel.transitions import Move
from kernel.workflow import lock, perform_move, record_event
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
RULES = TicketRules(
    editable=EDITABLE_FIELDS,
    work_permission="problems.change_problem",
    override_permission="problems.override_priority",
    finished=Problem.moves.finished,
    open=Problem.moves.open,
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


def problem_assess(problem: Problem, *, by: "User | None") -> Problem:
    return perform_move(problem, "assess", by=by, inputs={}, reason="")


def problem_analyze(problem: Problem, *, by: "User | None") -> Problem:
    return perform_move(problem, "analyze", by=by, inputs={}, reason="")


def problem_mark_known_error(problem: Problem, *, by: "User | None", workaround: str) -> Problem:
    def apply(ticket: Problem, move: Move) -> dict[str, Any]:
        ticket.workaround = workaround.strip()
        first = not ticket.known_error
        ticket.known_error = True
        if first:
            ticket.known_error_at = timezone.now()
        return {"known_error": True}

    return perform_move(
        problem,
        "mark_known_error",
        by=by,
        inputs={"workaround": workaround},
        reason=workaround.strip(),
        apply=apply,
    )


def problem_start_fix(
    problem: Problem, *, by: "User | None", root_cause: str, fix_notes: str = ""
) -> Problem:
    def apply(ticket: Problem, move: Move) -> None:
        ticket.root_cause = root_cause.strip()
        if fix_notes.strip():
            ticket.fix_notes = fix_notes.strip()

    return perform_move(
        problem,
        "start_fix",
        by=by,
        inputs={"root_cause": root_cause, "fix_notes": fix_notes},
        reason=root_cause.strip(),
        apply=apply,
    )


def problem_resolve(problem: Problem, *, by: "User | None", fix_notes: str) -> Problem:
    def apply(ticket: Problem, move: Move) -> dict[str, Any]:
        ticket.fix_notes = fix_notes.strip()
        ticket.resolution_code = ResolutionCode.FIX_APPLIED
        ticket.resolved_at = timezone.now()
        return {"resolution_code": ResolutionCode.FIX_APPLIED}

    return perform_move(
        problem,
        "resolve",
        by=by,
        inputs={"fix_notes": fix_notes},
        reason=fix_notes.strip(),
        apply=apply,
    )


def problem_reopen(problem: Problem, *, by: "User | None", reason: str) -> Problem:
    def apply(ticket: Problem, move: Move) -> None:
        ticket.resolution_code = ""
        ticket.resolved_at = None

    return perform_move(
        problem, "reopen", by=by, inputs={"reason": reason}, reason=reason.strip(), apply=apply
    )


def _closer(
    code: str, notes: str, duplicate_of: Problem | None = None
) -> Callable[[Problem, Move], dict[str, Any]]:
    def apply(ticket: Problem, move: Move) -> dict[str, Any]:
        ticket.resolution_code = code
        ticket.close_notes = notes.strip()
        ticket.closed_at = timezone.now()
        ticket.duplicate_of = duplicate_of
        return {"resolution_code": code}

    return apply


def problem_close(problem: Problem, *, by: "User | None", note: str = "") -> Problem:
    return perform_move(
        problem,
        "close",
        by=by,
        inputs={"note": note},
        reason=note.strip(),
        apply=_closer(ResolutionCode.FIX_APPLIED, note),
    )


def problem_close_duplicate(
    problem: Problem, *, by: "User | None", duplicate_of: str, reason: str
) -> Problem:
    def apply(ticket: Problem, move: Move) -> dict[str, Any]:
        # Looked up after the state check, so a refused move is refused for its state.
        number = duplicate_of.strip().upper()
        original = Problem.objects.filter(number=number).exclude(pk=ticket.pk).first()
        if original is None:
            raise MoveInvalid({"duplicate_of": [f"No other problem {duplicate_of!r}."]})
        return _closer(ResolutionCode.DUPLICATE, reason, original)(ticket, move)

    return perform_move(
        problem,
        "close_duplicate",
        by=by,
        inputs={"duplicate_of": duplicate_of, "reason": reason},
        reason=f"Duplicate of {duplicate_of.strip().upper()}: {reason.strip()}",
        apply=apply,
    )


def problem_accept_risk(problem: Problem, *, by: "User | None", reason: str) -> Problem:
    return perform_move(
        problem,
        "accept_risk",
        by=by,
        inputs={"reason": reason},
        reason=reason.strip(),
        apply=_closer(ResolutionCode.RISK_ACCEPTED, reason),
    )


def problem_cancel(problem: Problem, *, by: "User | None", reason: str) -> Problem:
    return perform_move(
        problem,
        "cancel",
        by=by,
        inputs={"reason": reason},
        reason=reason.strip(),
        apply=_closer(ResolutionCode.CANCELED, reason),
    )


MOVE_FUNCTIONS: dict[str, Callable[..., Problem]] = {
    "assess": problem_assess,
    "analyze": problem_analyze,
    "mark_known_error": problem_mark_known_error,
    "start_fix": problem_start_fix,
    "resolve": problem_resolve,
    "reopen": problem_reopen,
    "close": problem_close,
    "close_duplicate": problem_close_duplicate,
    "accept_risk": problem_accept_risk,
    "cancel": problem_cancel,
}
check_complete(Problem, MOVE_FUNCTIONS)


def problem_move(problem: Problem, name: str, *, by: "User | None", **inputs: Any) -> Problem:
    """Make move ``name`` with the inputs the move table declares for it."""
    return dispatch_move(MOVE_FUNCTIONS, problem, name, by=by, **inputs)


WORKFLOW = TicketWorkflow(
    create=problem_create,
    update=problem_update,
    move=problem_move,
    add_note=problem_add_note,
    override_priority=problem_override_priority,
    editable_fields=EDITABLE_FIELDS,
)
