"""Warnings at 75 % and breaches at 100 % of a clock's target: stamped once, told once.

Celery beat runs :func:`fire_due` every ``SLA_ALARM_INTERVAL``. The due instants are
columns (``Clock.warn_at``, ``Clock.breach_at``, kept by the clock engine while a clock
runs), so finding what is due is one indexed query; a paused, stopped or cancelled clock
has none and fires nothing. Each alarm stamps the clock (``warned_at``/``breached_at``, with
the due instant, never cleared) and writes a timeline event on the incident whose notice
tells the assignee and the group, and on a breach the group's manager too.

A clock the engine stopped after its deadline but before a sweep saw it is stamped by the
engine at the stop, silently: the sweep never finds it."""

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from incidents.models import Incident
from kernel.notices import Audience, Notice, NoticeKind, audience
from kernel.workflow import record_event, save_audited
from sla.models import Clock, Target

WARNING_VERB = "sla_warning"
BREACH_VERB = "sla_breach"
# Clocks handled per sweep: the rest wait for the next one (seconds later), so one sweep
# after an outage of beat does not hold a worker for minutes.
SWEEP_LIMIT = 500

WARNING_AUDIENCE = audience(Audience.ASSIGNEE, Audience.GROUP)
BREACH_AUDIENCE = audience(Audience.ASSIGNEE, Audience.GROUP, Audience.MANAGER)

# What stops each target, for the words of a warning.
_STOPPED_BY = {Target.RESPONSE: "acknowledged", Target.RESOLUTION: "resolved"}


def due_clock_ids(now: datetime, limit: int = SWEEP_LIMIT) -> list[int]:
    """Running clocks with a warning or a breach due and not stamped, oldest first: each
    half reads its own partial index. Two queries rather than one UNION: SQLite (``make
    run``) refuses a LIMIT inside a compound statement."""
    running = Clock.objects.running()
    warn = running.filter(warned_at__isnull=True, warn_at__lte=now).order_by("warn_at")
    # A target used up exactly at ``breach_at`` is still met (``clockops.stop``): the
    # breach is due only once that instant has passed.
    breach = running.filter(breached_at__isnull=True, breach_at__lt=now).order_by("breach_at")
    found = [
        *warn.values_list("pk", "warn_at")[:limit],
        *breach.values_list("pk", "breach_at")[:limit],
    ]
    due = sorted(found, key=lambda row: (row[1], row[0]))
    return list(dict.fromkeys(pk for pk, _ in due))[:limit]


def fire_due(now: datetime | None = None) -> int:
    """Stamp and tell every warning and breach due at ``now``; how many were told.

    Safe with two beats or two workers sweeping at once: each clock is taken under its
    incident's row lock, which the other sweep (or a move on the incident) holds or skips
    (``SKIP LOCKED``), and the stamps are checked again once locked, so an alarm is told
    once. The incident is locked before the clock, in the order the clock engine takes
    them inside a move, so a sweep and a move never wait for each other in a cycle."""
    now = now or timezone.now()
    told = 0
    for pk in due_clock_ids(now):
        with transaction.atomic():
            told += _fire_one(pk, now) is not None
    return told


def _is_due(
    due: datetime | None, stamped: datetime | None, now: datetime, *, strictly: bool = False
) -> bool:
    if stamped is not None or due is None:
        return False
    return due < now if strictly else due <= now


def _fire_one(pk: int, now: datetime) -> str | None:
    """Stamp clock ``pk`` and tell its alarm if one is still due; the verb told."""
    incident_id = Clock.objects.filter(pk=pk).values_list("incident_id", flat=True).first()
    if incident_id is None:
        return None
    incident = (
        Incident.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        return None  # a move or the other sweep holds it: the next sweep looks again
    clock = (
        Clock.objects.select_for_update(of=("self",))
        .select_related("definition")
        .filter(pk=pk)
        .first()
    )
    if clock is None or not clock.is_running:
        return None  # gone (a rebuild), paused, stopped or cancelled since it was found
    warn_due = _is_due(clock.warn_at, clock.warned_at, now)
    breach_due = _is_due(clock.breach_at, clock.breached_at, now, strictly=True)
    if not (warn_due or breach_due):
        return None  # the other sweep was first
    if warn_due:
        clock.warned_at = clock.warn_at
    if breach_due:
        clock.breached_at = clock.breach_at
    save_audited(clock, by=None, reason="SLA breached" if breach_due else "SLA warning")
    # Both due at once (beat was down past the deadline): the breach says it all, one
    # notice rather than a warning about a deadline already gone.
    _tell(incident, clock, breach=breach_due, now=now)
    return BREACH_VERB if breach_due else WARNING_VERB


def _when(moment: datetime, now: datetime) -> str:
    """A due instant in words: "14:30 UTC" today, "5 Dec 14:30 UTC" another day."""
    moment, now = moment.astimezone(UTC), now.astimezone(UTC)
    if moment.date() == now.date():
        return f"{moment:%H:%M} UTC"
    return f"{moment.day} {moment:%b %H:%M} UTC"


def _tell(incident: Incident, clock: Clock, *, breach: bool, now: datetime) -> None:
    target = Target(clock.target)
    name = target.value  # "response", "resolution": what people call the target
    deadline = clock.breach_at
    assert deadline is not None  # a running clock has its due instants
    goal = f"{clock.definition.describe(target)}, {clock.definition}"
    data = {
        "clock": clock.pk,
        "target": name,
        "definition": str(clock.definition),
        "due": deadline.isoformat(),
    }
    if breach:
        record_event(
            incident,
            by=None,
            verb=BREACH_VERB,
            body=f"The {name} target ({goal}) was used up at "
            f"{deadline.astimezone(UTC):%Y-%m-%d %H:%M} UTC.",
            data=data,
            notice=Notice(
                NoticeKind.SLA_BREACH,
                f"{name} SLA breached",
                audience=BREACH_AUDIENCE,
                shows=("target", "due"),
            ),
        )
        return
    record_event(
        incident,
        by=None,
        verb=WARNING_VERB,
        body=f"75 % of the {name} target ({goal}) is used: it is breached at "
        f"{deadline.astimezone(UTC):%Y-%m-%d %H:%M} UTC unless the incident is "
        f"{_STOPPED_BY[target]} by then.",
        data={**data, "percent": 75},
        notice=Notice(
            NoticeKind.SLA_WARNING,
            f"{name} SLA at 75 % (due {_when(deadline, now)})",
            audience=WARNING_AUDIENCE,
            shows=("target", "due"),
        ),
    )
