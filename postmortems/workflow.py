"""Every write to a postmortem: start it from its incident (facts pre-filled), edit it,
name reviewers, and one function per move of the review (submit, approve, request
changes, publish). Action items are in ``postmortems.action_items``.

Adapters call ``WORKFLOW``; ``postmortem_move(postmortem, name, by=..., **inputs)`` makes a
move by name.
"""

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from incidents.models import Incident
from kernel.editing import (
    TicketRules,
    refuse_unknown,
    ticket_add_note,
    ticket_override_priority,
    ticket_update,
    validate_ticket,
)
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from kernel.moves import Done, MoveSet, Note, Reason
from kernel.notices import Audience, Notice, NoticeKind, audience
from kernel.numbering import next_number
from kernel.priority import priority_for
from kernel.workflow import lock, record_event, save_audited
from postmortems import facts
from postmortems.blameless import warnings_data
from postmortems.models import Postmortem, PostmortemReviewer, PostmortemTemplate, Status

if TYPE_CHECKING:
    from accounts.models import User

EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "customer_impact",
    "root_causes",
    "contributing_factors",
    "went_well",
    "went_badly",
    "got_lucky",
    "lessons",
    "assignment_group",
)
RULES = TicketRules(
    model=Postmortem,
    editable=EDITABLE_FIELDS,
    work_permission="postmortems.change_postmortem",
    override_permission="postmortems.override_priority",
)
STARTED_NOTICE = Notice(NoticeKind.CREATED, "started", audience(Audience.GROUP))
REVIEW_TODO = "Read it, then approve it or request changes on its page."
# Told by name: the reviewers as they were when the review was submitted.
REVIEW_NOTICE = Notice(NoticeKind.POSTMORTEM_REVIEW, "your review is requested", shows=("todo",))


def default_template() -> PostmortemTemplate | None:
    return PostmortemTemplate.objects.filter(is_active=True, is_default=True).first()


def postmortem_create_for(
    incident: Incident,
    *,
    by: "User",
    template: PostmortemTemplate | None = None,
    title: str = "",
) -> Postmortem:
    """Start the review of ``incident`` with its facts: summary, impact (services,
    duration), the durations between its milestones and its starred timeline events.
    One postmortem per incident."""
    if not by.has_perm("postmortems.add_postmortem"):
        raise MoveForbidden("You may not write postmortems.")
    template = template or default_template()
    if template is not None and not template.is_active:
        raise MoveInvalid({"template": [f"The template {template} is retired."]})
    with transaction.atomic():
        current = lock(incident)  # two agents starting it at once: the second is told
        existing = Postmortem.objects.filter(incident=current).only("number").first()
        if existing is not None:
            raise MoveNotAllowed(f"{current.number} has its postmortem already: {existing.number}.")
        postmortem = Postmortem(
            incident=current,
            author=by,
            template=template,
            title=(title.strip() or f"Postmortem: {current.title}")[:200],
            description=_summary(current),
            service_id=current.service_id,
            assignment_group_id=current.assignment_group_id,
            impact=current.impact,
            urgency=current.urgency,
            sections=template.sections() if template is not None else [],
        )
        _copy_facts(postmortem, current)
        postmortem.priority = priority_for(postmortem.impact, postmortem.urgency)
        # Not ``ticket_save_new``: its "logged" notice tells the service's subscribers, and
        # a review is the desk's business; its group hears that one was started.
        postmortem.number = Postmortem.NUMBER_PREFIX  # placeholder so validation passes
        validate_ticket(postmortem)
        postmortem.number = next_number(Postmortem.NUMBER_PREFIX)
        save_audited(postmortem, by=by, reason="Started")
        record_event(
            postmortem,
            by=by,
            verb="created",
            data={"incident": current.number, "template": str(template or "")},
            notice=STARTED_NOTICE,
        )
        postmortem.services.set(facts.services_hit(current))
        record_event(
            current,
            by=by,
            verb="postmortem_started",
            data={"postmortem": postmortem.number},
        )
    return postmortem


def _copy_facts(postmortem: Postmortem, incident: Incident) -> None:
    """The facts read from the incident: impact times, durations, starred events."""
    at = facts.milestones(incident)
    postmortem.impact_started_at = at["impact_started"]
    postmortem.impact_ended_at = at["impact_ended"]
    postmortem.durations = facts.durations(incident)
    postmortem.key_events = facts.key_events(incident)


def postmortem_refresh_facts(postmortem: Postmortem, *, by: "User") -> Postmortem:
    """Read the incident's facts again (a milestone corrected, an event starred since the
    review started); not once published, when the review is the record."""
    if not by.has_perm(RULES.work_permission):
        raise MoveForbidden(f"You may not edit {postmortem.number}.")
    with transaction.atomic():
        current = lock(postmortem)
        if current.is_finished:
            raise MoveNotAllowed(f"{current.number} is published: its facts are the record.")
        incident = Incident.objects.get(pk=current.incident_id)
        before = (current.durations, current.key_events, current.impact_started_at)
        _copy_facts(current, incident)
        current.services.set(facts.services_hit(incident))
        if (current.durations, current.key_events, current.impact_started_at) == before:
            return current
        save_audited(current, by=by, reason="Facts read again from the incident")
        record_event(current, by=by, verb="facts_refreshed", data={"incident": incident.number})
    return current


def _summary(incident: Incident) -> str:
    lines = [f"{incident.number} {incident.title}"]
    if incident.description.strip():
        lines += ["", incident.description.strip()]
    notes = incident.resolution_notes.strip()
    if notes:
        lines += ["", f"Resolved: {notes}"]
    return "\n".join(lines)


def postmortem_create(*, by: "User", incident: Incident, **fields: Any) -> Postmortem:
    """The workflow's ``create``: a postmortem always starts from its incident."""
    template = fields.pop("template", None)
    title = fields.pop("title", "")
    refuse_unknown(RULES, fields)
    postmortem = postmortem_create_for(incident, by=by, template=template, title=title)
    if fields:
        postmortem = postmortem_update(postmortem, by=by, changes=fields, reason="Written")
    return postmortem


def postmortem_update(
    postmortem: Postmortem, *, by: "User | None", changes: dict[str, Any], reason: str = ""
) -> Postmortem:
    return ticket_update(RULES, postmortem, by=by, changes=changes, reason=reason)


def postmortem_override_priority(
    postmortem: Postmortem, *, by: "User", priority: int | None, reason: str
) -> Postmortem:
    return ticket_override_priority(RULES, postmortem, by=by, priority=priority, reason=reason)


def postmortem_add_note(
    postmortem: Postmortem, *, by: "User", body: str, internal: bool
) -> Postmortem:
    ticket_add_note(RULES, postmortem, by=by, body=body, internal=internal)
    return postmortem


# --- reviewers --------------------------------------------------------------------------


def postmortem_add_reviewer(postmortem: Postmortem, *, by: "User", user: "User") -> Postmortem:
    """Name ``user`` to review; not the author, who may not approve their own review.
    Named while in review, they have to approve too before it is published."""
    if not by.has_perm(RULES.work_permission):
        raise MoveForbidden(f"You may not name reviewers of {postmortem.number}.")
    with transaction.atomic():
        current = lock(postmortem)
        if current.is_finished:
            raise MoveNotAllowed(f"{current.number} is published: its review is over.")
        if user.pk == current.author_id:
            raise MoveInvalid({"user": ["The author cannot review their own postmortem."]})
        if not user.is_active or not user.is_staff:
            raise MoveInvalid({"user": [f"{user} is not an active agent."]})
        if current.reviewers.filter(user=user).exists():
            return current
        reviewer = PostmortemReviewer(postmortem=current, user=user, added_by=by)
        save_audited(reviewer, by=by, reason="Named to review")
        in_review = current.status == Status.IN_REVIEW
        record_event(
            current,
            by=by,
            verb="reviewer_added",
            data={"reviewer": str(user), **({"todo": REVIEW_TODO} if in_review else {})},
            notice=REVIEW_NOTICE.naming([user.pk]) if in_review else None,
        )
    return current


def postmortem_remove_reviewer(postmortem: Postmortem, *, by: "User", user: "User") -> Postmortem:
    if not by.has_perm(RULES.work_permission):
        raise MoveForbidden(f"You may not change the reviewers of {postmortem.number}.")
    with transaction.atomic():
        current = lock(postmortem)
        if current.is_finished:
            raise MoveNotAllowed(f"{current.number} is published: its review is over.")
        reviewer = current.reviewers.filter(user=user).first()
        if reviewer is None:
            raise MoveInvalid({"user": [f"{user} is not a reviewer of {current.number}."]})
        if current.status == Status.IN_REVIEW and current.reviewers.count() == 1:
            raise MoveNotAllowed(
                f"{current.number} is in review: name another reviewer before removing the last."
            )
        # The history keeps the row's last state: who it was and whether they approved.
        reviewer._history_user = by  # type: ignore[attr-defined]
        reviewer._change_reason = "No longer a reviewer"  # type: ignore[attr-defined]
        reviewer.delete()
        record_event(current, by=by, verb="reviewer_removed", data={"reviewer": str(user)})
    return current


def reviewer_names(postmortem: Postmortem, *, pending: bool = False) -> list[str]:
    reviewers = postmortem.reviewers.select_related("user")
    if pending:
        reviewers = reviewers.filter(approved_at__isnull=True)
    return [str(reviewer.user) for reviewer in reviewers]


# --- moves ------------------------------------------------------------------------------
# Each function is one move of ``postmortems.models.MOVES`` (``postmortem_<move>``); its
# annotated keywords are what the move asks for (``kernel.moves``).

moves = MoveSet(Postmortem, "postmortem")


@moves.define
def postmortem_submit(postmortem: Postmortem, *, by: "User | None", note: Note = "") -> Done:
    """Send the review to its reviewers, with the blameless check's warnings in the event
    (the submit page and the API show them; they do not stop it)."""
    postmortem.submitted_at = timezone.now()
    warnings = warnings_data(postmortem)
    reviewer_ids = list(postmortem.reviewers.values_list("user_id", flat=True))

    def ask_reviewers(moved: Postmortem) -> None:
        # After the move's own event: the timeline reads "submit", then who is asked.
        record_event(
            moved,
            by=by,
            verb="review_requested",
            body="\n".join(reviewer_names(moved)),
            notice=REVIEW_NOTICE.naming(reviewer_ids),
            data={"reviewers": sorted(reviewer_ids), "todo": REVIEW_TODO},
        )

    return Done(reason=note.strip(), data={"warnings": warnings}, then=ask_reviewers)


@moves.define
def postmortem_approve(postmortem: Postmortem, *, by: "User | None", note: Note = "") -> Done:
    reviewer = postmortem.reviewers.filter(user=by).first() if by is not None else None
    if reviewer is None:
        raise MoveForbidden(f"Only a named reviewer approves {postmortem.number}.")
    if reviewer.approved_at is not None:
        raise MoveNotAllowed(f"You approved {postmortem.number} already.")
    reviewer.approved_at = timezone.now()
    save_audited(
        reviewer, by=by, reason=f"Approved: {note.strip()}" if note.strip() else "Approved"
    )
    waiting = reviewer_names(postmortem, pending=True)
    return Done(
        reason=note.strip(),
        data={"reviewer": str(by), "waiting_for": waiting},
        words=f"approved by {by}" + ("" if waiting else "; ready to publish"),
    )


@moves.define
def postmortem_request_changes(
    postmortem: Postmortem, *, by: "User | None", reason: Reason
) -> Done:
    for reviewer in postmortem.reviewers.filter(approved_at__isnull=False):
        reviewer.approved_at = None
        save_audited(reviewer, by=by, reason="Approval cleared: changes requested")
    postmortem.submitted_at = None
    return Done(reason=reason.strip())


@moves.define
def postmortem_publish(postmortem: Postmortem, *, by: "User | None", note: Note = "") -> Done:
    postmortem.published_at = timezone.now()
    return Done(reason=note.strip(), data={"reviewers": reviewer_names(postmortem)})


WORKFLOW = moves.workflow(
    create=postmortem_create,
    update=postmortem_update,
    add_note=postmortem_add_note,
    override_priority=postmortem_override_priority,
    editable_fields=EDITABLE_FIELDS,
)
postmortem_move = WORKFLOW.move
