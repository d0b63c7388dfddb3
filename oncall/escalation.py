"""Paging: start a policy's ladder for a major incident, climb it while nobody
acknowledges, stop it when someone does.

Every page is a ``Page`` row (unique per escalation, cycle and level: never twice) and a
"paged" timeline event, which ``notifications`` turns into the page email/inbox/webhook
through the kernel hook, in the same transaction. The next step is due at
``Escalation.next_at``, and the beat sweep (``escalations_due``, every
``ESCALATION_SWEEP_INTERVAL``) fires it once due: the schedule lives in the database, not
in a countdown message a worker holds and a broker outage loses.
"""

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from incidents.models import Incident
from kernel.notices import ActionLink, Notice, NoticeKind
from kernel.workflow import record_event
from oncall.models import Escalation, EscalationLevel, EscalationPolicy, Page
from oncall.schedules import on_call

logger = logging.getLogger(__name__)

ACK_SALT = "oncall.acknowledge"
# A sweep arriving this early still counts as due (clock skew, rounding).
DUE_SLACK = timedelta(milliseconds=200)

# A page tells the one person paged, with the level. Its signed acknowledge link is not in
# the event: whoever reads the timeline (the caller) or hears the event (a team's webhook)
# could acknowledge as the person paged. ``page_link`` builds it for that person's message
# only (``oncall.wiring``).
PAGE_NOTICE = Notice(
    NoticeKind.PAGE, "you are paged", shows=("level", "cycle", "escalation", "user")
)


def policy_for(incident: Incident) -> EscalationPolicy | None:
    """The service's own policy first, else the assignment group's (one query: it runs on
    every incident logged)."""
    wanted = Q()
    if incident.service_id is not None:
        wanted |= Q(services=incident.service_id)
    if incident.assignment_group_id is not None:
        wanted |= Q(team_id=incident.assignment_group_id)
    if not wanted:
        return None
    on_service = EscalationPolicy.services.through.objects.filter(
        escalationpolicy=OuterRef("pk"), service=incident.service_id
    )
    return (
        EscalationPolicy.objects.filter(wanted, is_active=True)
        .annotate(on_service=Exists(on_service))
        .order_by("-on_service", "pk")
        .first()
    )


def escalation_start(incident: Incident) -> Escalation | None:
    """Page level 1 now if the incident is serious enough for its policy. Call inside the
    transaction that made it so (creation, a priority raise)."""
    if incident.acknowledged_at is not None or not incident.is_open:
        return None
    policy = policy_for(incident)
    if policy is None or not policy.pages_for(incident.priority, incident.severity):
        return None
    if Escalation.objects.filter(incident=incident, state=Escalation.State.ACTIVE).exists():
        return None
    levels = list(policy.levels.all())
    if not levels:
        return None
    escalation = Escalation.objects.create(incident=incident, policy=policy)
    _page(escalation, incident, levels, cycle=0, level=0)
    return escalation


def _target(level: EscalationLevel, incident: Incident, at: datetime) -> int | None:
    if level.user_id is not None:
        return level.user_id
    if level.schedule is not None:
        shift = on_call(level.schedule, at)
        return shift.user_id if shift else None
    group = incident.assignment_group
    return group.manager_id if group is not None else None


def ack_url(escalation_id: int, user_id: int) -> str:
    """The signed link that acknowledges as ``user_id``: for that person's eyes only."""
    token = signing.dumps({"e": escalation_id, "u": user_id}, salt=ACK_SALT)
    return settings.SITE_URL.rstrip("/") + reverse("oncall:acknowledge", args=[token])


def page_link(data: Mapping[str, Any], user_id: int) -> ActionLink | None:
    """The acknowledge link of a page's message, for the person paged and nobody else."""
    escalation_id = data.get("escalation")
    if not isinstance(escalation_id, int) or data.get("user") != user_id:
        return None
    url = ack_url(escalation_id, user_id)
    return ActionLink("Acknowledge this page (stops the escalation)", url)


def _page(
    escalation: Escalation,
    incident: Incident,
    levels: list[EscalationLevel],
    *,
    cycle: int,
    level: int,
) -> None:
    now = timezone.now()
    rung = levels[level]
    user_id = _target(rung, incident, now)
    Page.objects.create(escalation=escalation, cycle=cycle, level=level, user_id=user_id)
    record_event(
        incident,
        by=None,
        verb="paged",
        body=f"Level {level + 1}" + (f", round {cycle + 1}" if cycle else ""),
        notice=PAGE_NOTICE.naming([user_id]),
        data={
            "user": user_id,
            "level": level + 1,
            "cycle": cycle + 1,
            "escalation": escalation.pk,
        },
    )
    if user_id is None:
        logger.warning("%s: level %d has nobody to page", incident.number, level + 1)
    escalation.cycle, escalation.level = cycle, level
    # The sweep pages the next level once this is due.
    escalation.next_at = now + rung.delay
    escalation.save(update_fields=["cycle", "level", "next_at"])


def escalation_advance(pk: int, *, cycle: int, level: int, now: datetime | None = None) -> bool:
    """Page the next level if the step (cycle, level) is still the current one and due.
    Idempotent: a duplicate or late task finds the step gone and does nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked: two sweeps (a slow one and the next tick) may reach the same step.
        escalation = Escalation.objects.select_for_update().filter(pk=pk).first()
        if (
            escalation is None
            or escalation.state != Escalation.State.ACTIVE
            or (escalation.cycle, escalation.level) != (cycle, level)
            or escalation.next_at is None
            or escalation.next_at > now + DUE_SLACK
        ):
            return False
        incident = Incident.objects.select_related("assignment_group").get(
            pk=escalation.incident_id
        )
        if incident.acknowledged_at is not None or not incident.is_open:
            _finish(escalation, Escalation.State.STOPPED)
            return False
        levels = list(escalation.policy.levels.select_related("schedule"))
        if level + 1 < len(levels):
            _page(escalation, incident, levels, cycle=cycle, level=level + 1)
        elif cycle < escalation.policy.repeat:
            _page(escalation, incident, levels, cycle=cycle + 1, level=0)
        else:
            _finish(escalation, Escalation.State.EXHAUSTED)
            record_event(incident, by=None, verb="paging_exhausted", body="Nobody acknowledged.")
            return False
    return True


def escalations_due(*, now: datetime | None = None) -> int:
    """The sweep: advance every escalation whose next step is due."""
    now = now or timezone.now()
    due = Escalation.objects.filter(state=Escalation.State.ACTIVE, next_at__lte=now)
    return sum(
        escalation_advance(pk, cycle=cycle, level=level, now=now)
        for pk, cycle, level in due.values_list("pk", "cycle", "level")
    )


def _finish(escalation: Escalation, state: str, by: User | None = None) -> None:
    escalation.state = state
    escalation.next_at = None
    if state == Escalation.State.ACKNOWLEDGED:
        escalation.acknowledged_at = timezone.now()
        escalation.acknowledged_by = by
    escalation.save(update_fields=["state", "next_at", "acknowledged_at", "acknowledged_by"])


def escalation_stop(incident: Incident, *, by: User | None) -> int:
    """End the incident's paging: acknowledged when someone did, stopped when it closed
    unacknowledged. Called by the hook for every event on an acknowledged or closed
    incident, inside its transaction."""
    state = (
        Escalation.State.ACKNOWLEDGED
        if incident.acknowledged_at is not None
        else Escalation.State.STOPPED
    )
    stopped = 0
    with transaction.atomic():
        active = Escalation.objects.select_for_update().filter(
            incident=incident, state=Escalation.State.ACTIVE
        )
        for escalation in active:
            _finish(escalation, state, by)
            stopped += 1
    return stopped


def read_ack_token(token: str) -> tuple[Escalation, User]:
    """The escalation and the paged user a signed acknowledge link names (a day's validity).
    Raises ``signing.BadSignature`` or ``LookupError``."""
    data = signing.loads(token, salt=ACK_SALT, max_age=timedelta(days=1))
    escalation = Escalation.objects.select_related("incident").get(pk=data["e"])
    user = User.objects.get(pk=data["u"], is_active=True)
    return escalation, user
