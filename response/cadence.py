"""The cadence of a major incident's updates: when the next one is due, and the reminder
to the communications lead (else the commander) when it is overdue, once per overdue
period (one cadence length).

A ``Cadence`` row exists while an incident is a declared major incident: ``wiring``
subscribes :func:`handle_event` to ``kernel.events``, which starts it on the ``declare``
event (due one cadence length after the declaration) and drops it on ``undeclare``.
Each stakeholder update moves it (``cadence_set``). Celery beat runs
:func:`remind_overdue` every minute."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents.major import role_holder
from incidents.models import OPEN_STATES, Incident, Role
from kernel.notices import Audience, Notice, NoticeKind, audience
from kernel.workflow import record_event
from response.models import Cadence

if TYPE_CHECKING:
    from kernel.models import Ticket, TimelineEntry

DEFAULT_MINUTES = 60
OVERDUE_VERB = "update_overdue"


def cadence_minutes(severity: int | None) -> int:
    """Minutes between updates for ``severity`` (``MAJOR_UPDATE_CADENCE_MINUTES``, whose
    ``0`` entry is for an incident without a severity; an hour when it says nothing)."""
    table: Mapping[int, int] = settings.MAJOR_UPDATE_CADENCE_MINUTES
    return int(table.get(severity or 0, table.get(0, DEFAULT_MINUTES)))


def cadence_length(incident: Incident) -> timedelta:
    return timedelta(minutes=cadence_minutes(incident.severity))


def default_next_due(incident: Incident, now: datetime) -> datetime:
    return now + cadence_length(incident)


def cadence_set(incident: Incident, due: datetime) -> Cadence:
    """The next update is due at ``due``; no reminder before then. Called inside the
    caller's transaction, after it locked the incident."""
    cadence, _ = Cadence.objects.select_for_update().get_or_create(
        incident=incident, defaults={"next_update_due": due, "next_reminder_at": due}
    )
    cadence.next_update_due = due
    cadence.next_reminder_at = due
    cadence.save()
    return cadence


def handle_event(ticket: "Ticket", entry: "TimelineEntry") -> None:
    """``kernel.events`` handler: a declared major incident starts keeping the cadence;
    an undeclared one stops."""
    if not isinstance(ticket, Incident):
        return
    if entry.verb == "declare":
        cadence_set(ticket, default_next_due(ticket, ticket.major_since or entry.created_at))
    elif entry.verb == "undeclare":
        Cadence.objects.filter(incident=ticket).delete()


def remind_overdue(*, now: datetime | None = None) -> int:
    """Remind of every overdue update once per overdue period; the number reminded.

    Safe with two beats running: each cadence is taken under a row lock that the other
    sweep skips, and re-checked once locked, so a period is reminded of once."""
    now = now or timezone.now()
    due = Cadence.objects.filter(
        next_reminder_at__lte=now,
        incident__major_since__isnull=False,
        incident__status__in=OPEN_STATES,
    ).order_by("next_reminder_at")
    reminded = 0
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            cadence = (
                Cadence.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("incident")
                .filter(pk=pk, next_reminder_at__lte=now)
                .first()
            )
            if cadence is None:
                continue  # the other sweep has it, or has done it
            incident = cadence.incident
            if not (incident.is_major and incident.is_open):
                continue
            _remind(cadence, incident, now)
            reminded += 1
    return reminded


def _remind(cadence: Cadence, incident: Incident, now: datetime) -> None:
    length = cadence_length(incident)
    periods = (now - cadence.next_update_due) // length
    cadence.next_reminder_at = cadence.next_update_due + (periods + 1) * length
    cadence.reminders += 1
    cadence.save()
    recipient = role_holder(incident, Role.COMMUNICATIONS) or role_holder(incident, Role.COMMANDER)
    due = cadence.next_update_due
    minutes = int((now - due).total_seconds() // 60)
    record_event(
        incident,
        by=None,
        verb=OVERDUE_VERB,
        body=f"The next stakeholder update was due at {due:%Y-%m-%d %H:%M} UTC "
        f"({minutes} min ago).",
        data={
            "due": due.isoformat(),
            "overdue_minutes": minutes,
            "recipient": recipient.pk if recipient else None,
        },
        # Nobody in command (declared by the system on a P1 report): the incident's queue
        # hears it instead, so the reminder reaches someone.
        notice=Notice(
            NoticeKind.UPDATE_DUE,
            "stakeholder update overdue",
            audience=audience(Audience.ASSIGNEE_OR_GROUP) if recipient is None else frozenset(),
            shows=("due",),
        ).naming([recipient.pk if recipient else None]),
    )
