"""An incident's milestones: the times its MTTx figures and its postmortem are computed
from (ITIL.md). They are in order, always: impact started ≤ detected ≤ reported ≤
acknowledged ≤ mitigated ≤ resolved ≤ closed, for those that are set. Moves stamp most of
them; a person corrects one only with a reason, through :func:`incident_set_milestone`."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from incidents.milestone_order import LABELS, MILESTONES, field_of, milestone_refusal
from incidents.models import WORK, Incident
from kernel.errors import MoveForbidden, MoveInvalid
from kernel.workflow import lock, record_event, save_audited

if TYPE_CHECKING:
    from accounts.models import User

# Stamped by a move (acknowledge, resolve, close) or at logging: corrected once set, never
# set by hand before the move happened.
STAMPED = frozenset({"reported", "acknowledged", "resolved", "closed"})


def milestones_of(incident: Incident) -> dict[str, datetime | None]:
    return {name: getattr(incident, field_of(name)) for name in MILESTONES}


def incident_set_milestone(
    incident: Incident,
    *,
    by: "User | None",
    milestone: str,
    at: datetime,
    reason: str,
) -> Incident:
    """Set or correct one milestone, with the reason on the history row and the timeline.
    Refused (``MoveInvalid``, naming the field) without a reason, in the future, before
    the move that stamps it, or out of order."""
    if by is not None and not by.has_perm(WORK):
        raise MoveForbidden(f"You may not edit {incident.number}.")
    if milestone not in MILESTONES:
        raise MoveInvalid({"milestone": [f"Choose one of {', '.join(MILESTONES)}."]})
    label = LABELS[milestone]
    reason = (reason or "").strip()
    if not reason:
        raise MoveInvalid({"reason": [f"Say why the {label.lower()} time changes."]})
    if at is None or timezone.is_naive(at):
        raise MoveInvalid({"at": ["Give a date and time with its time zone."]})
    if at > timezone.now():
        raise MoveInvalid({"at": ["A milestone cannot be in the future."]})
    with transaction.atomic():
        current = lock(incident)
        values = milestones_of(current)
        before = values[milestone]
        if before is None and milestone in STAMPED:
            raise MoveInvalid(
                {"milestone": [f"{label} is stamped when it happens; correct it once it is set."]}
            )
        if milestone == "mitigated" and values["acknowledged"] is None:
            raise MoveInvalid({"milestone": ["Acknowledge the incident before it is mitigated."]})
        values[milestone] = at
        refusal = milestone_refusal(values)
        if refusal:
            raise MoveInvalid({"at": [refusal]})
        if before == at:
            return current
        setattr(current, field_of(milestone), at)
        save_audited(current, by=by, reason=f"{label}: {reason}")
        record_event(
            current,
            by=by,
            verb="milestone",
            body=reason,
            data={
                "milestone": milestone,
                "from": before.isoformat() if before else None,
                "to": at.isoformat(),
            },
        )
    return current
