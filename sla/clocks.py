"""The clock engine: an incident's SLA clocks follow its timeline.

``sla.wiring`` subscribes :func:`on_ticket_event` to ``kernel.events``, so every move runs
it inside the move's transaction, on the locked incident:

- ``created``: the first matching definition (``sla.matching``) starts a clock per target
  at ``reported_at``;
- ``acknowledge`` (and ``hold``/``resolve``, which stamp the acknowledgement when nobody
  did): the response clock stops at ``acknowledged_at``;
- ``hold`` for one of the definition's pause reasons pauses; ``resume`` runs again;
- ``resolve`` stops the resolution clock at ``resolved_at``; ``reopen`` runs it again,
  the resolved interval counted as a pause (the time already used is kept);
- ``cancel``: the response clock of an incident nobody acknowledged stops (cancelling is
  the desk's answer), every other running clock is cancelled;
- ``priority`` and edits of what definitions match on (severity, service, category)
  re-evaluate (``sla.reevaluation``): another definition now first means the old clock is
  cancelled and a new one counts from the original start with the same pauses.

After every change the due instants (75 %, 100 %) are computed again, a stopped clock gets
``made_sla`` and ``Incident.made_sla`` follows its clocks. Verbs that cannot matter (notes,
files, assignments, roles ...) return before any query."""

from copy import copy
from typing import TYPE_CHECKING

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from incidents.models import HoldReason, Incident, Status
from kernel.enums import TimelineKind
from kernel.workflow import lock, record_event, save_audited
from sla import reevaluation
from sla.clockops import (
    Calendars,
    cancel,
    new_clock,
    refresh,
    restart,
    resume,
    stop,
    working_time_of,
)
from sla.matching import active_definitions, first_match, load_calendar
from sla.models import Clock, Target

if TYPE_CHECKING:
    from datetime import datetime

    from kernel.models import Ticket, TimelineEntry

RELEVANT = frozenset(
    {
        "created",
        "acknowledge",
        "hold",
        "resume",
        "resolve",
        "reopen",
        "cancel",
        "priority",
        "updated",
    }
)
# What a definition matches on, among the fields an "updated" event names.
MATCHED_FIELDS = frozenset({"severity", "service", "category", "subcategory"})
CHANGED_VERB = "sla_changed"


def on_ticket_event(ticket: "Ticket", entry: "TimelineEntry") -> None:
    """``kernel.events`` handler, inside the change's transaction."""
    if not isinstance(ticket, Incident) or entry.verb not in RELEVANT:
        return
    fields = entry.data.get("fields", ()) if isinstance(entry.data, dict) else ()
    if entry.verb == "updated" and not MATCHED_FIELDS.intersection(fields):
        return
    apply_event(ticket, entry.verb, at=entry.created_at)


def apply_event(
    incident: Incident, verb: str, *, at: "datetime", announce: bool = True, settle: bool = True
) -> list[Clock]:
    """Move ``incident``'s clocks for one timeline event that happened ``at``; returns its
    active clocks afterwards. ``announce`` records the ``sla_changed`` event of a
    re-evaluation, ``settle`` writes ``Incident.made_sla`` (a rebuild does both itself)."""
    if verb == "created":
        return _start(incident)
    clocks = _load(incident)
    if not clocks and verb not in ("priority", "updated"):
        return clocks
    calendars = Calendars()
    changed: dict[int, tuple[Clock, str]] = {}
    for clock, reason in _moves(incident, verb, at, clocks):
        changed[id(clock)] = (clock, reason)
    new: list[Clock] = []
    # A reopen re-evaluates too: what matched may have changed while it was resolved.
    if verb in ("priority", "updated", "reopen"):
        outcome = reevaluation.reevaluate(incident, at, clocks, active_definitions())
        for clock in outcome.cancelled:
            changed[id(clock)] = (clock, clock.cancel_reason)
        new = outcome.started
        if announce and outcome.words:
            record_event(
                incident,
                by=None,
                verb=CHANGED_VERB,
                body="\n".join(outcome.words),
                data={"changes": outcome.data},
            )
    for clock, reason in changed.values():
        refresh(clock, calendars.of(clock))
        save_audited(clock, by=None, reason=reason)
    for clock in new:
        refresh(clock, calendars.of(clock))
    if new:
        bulk_create_with_history(new, Clock, default_change_reason="Re-evaluated")
    active = [clock for clock in [*clocks, *new] if clock.cancelled_at is None]
    if settle:
        settle_incident(incident, active)
    return active


def _moves(
    incident: Incident, verb: str, at: "datetime", clocks: list[Clock]
) -> list[tuple[Clock, str]]:
    """What ``verb`` does to each clock, in memory: (clock, the history reason)."""
    done: list[tuple[Clock, str]] = []
    unstopped = [clock for clock in clocks if clock.stopped_at is None]
    acknowledged = incident.acknowledged_at
    if verb in ("acknowledge", "hold", "resolve") and acknowledged is not None:
        for clock in unstopped:
            if clock.target == Target.RESPONSE:
                stop(clock, acknowledged, working_time_of(clock))
                done.append((clock, "Stopped: acknowledged"))
    if verb == "hold":
        for clock in unstopped:
            reasons = clock.definition.pause_hold_reasons
            if clock.is_running and incident.hold_reason in reasons:
                clock.paused_since = at
                done.append((clock, f"Paused: {HoldReason(incident.hold_reason).label}"))
    elif verb in ("resume", "reopen"):
        for clock in unstopped:
            if clock.paused_since is not None:
                resume(clock, at)
                done.append((clock, "Running again"))
    if verb == "resolve":
        for clock in unstopped:
            if clock.target == Target.RESOLUTION:
                stop(clock, incident.resolved_at or at, working_time_of(clock))
                done.append((clock, "Stopped: resolved"))
    elif verb == "reopen":
        for clock in clocks:
            if clock.target == Target.RESOLUTION and clock.stopped_at is not None:
                restart(clock, at)
                done.append((clock, "Running again: reopened"))
    elif verb == "cancel":
        for clock in unstopped:
            if clock.target == Target.RESPONSE:
                stop(clock, at, working_time_of(clock))
                done.append((clock, "Stopped: canceled without acknowledgement"))
            else:
                cancel(clock, at, "Incident canceled")
                done.append((clock, "Cancelled: incident canceled"))
    return done


# --- reading and writing ----------------------------------------------------------------


def _load(incident: Incident) -> list[Clock]:
    """The incident's active clocks with their definitions and calendars (3 queries)."""
    return list(
        Clock.objects.active()
        .filter(incident=incident)
        .select_related("definition__calendar")
        .prefetch_related("definition__calendar__periods", "definition__calendar__holidays")
        .order_by("id")
    )


def _start(incident: Incident) -> list[Clock]:
    """The clocks of a new incident: definitions (3 queries), the calendar (2), inserts."""
    definition = first_match(active_definitions(), incident)
    if definition is None:
        return []
    calendar = load_calendar(definition.calendar).working_time()
    held = incident.status == Status.ON_HOLD
    paused = held and incident.hold_reason in definition.pause_hold_reasons
    clocks: list[Clock] = []
    for target in Target:
        clock = new_clock(
            incident,
            definition,
            target,
            started_at=incident.reported_at,
            paused_since=incident.reported_at if paused else None,
        )
        if clock is None:
            continue
        if target == Target.RESPONSE and incident.acknowledged_at is not None:
            stop(clock, incident.acknowledged_at, calendar)  # an import's acknowledged incident
        refresh(clock, calendar)
        clocks.append(clock)
    if clocks:
        bulk_create_with_history(clocks, Clock, default_change_reason="Started")
    return clocks


def settle_incident(incident: Incident, active: list[Clock]) -> None:
    """``Incident.made_sla``: whether every active clock met its target, once all are
    stopped; ``None`` while any runs or pauses, and without clocks."""
    value: bool | None = None
    if active and all(clock.stopped_at is not None for clock in active):
        value = all(bool(clock.made_sla) for clock in active)
    if value == incident.made_sla:
        return
    incident.made_sla = value
    reason = {True: "SLA met", False: "SLA missed", None: "SLA clock running again"}[value]
    save_audited(incident, by=None, reason=reason)


# --- rebuilding from the timeline ---------------------------------------------------------


def clocks_rebuild(incident: Incident) -> list[Clock]:
    """Derive the incident's clocks from its timeline, replacing any it has: for loads
    that ran under ``kernel.events.muted()`` (the demo, imports). Events are replayed at
    their recorded instants; the priority follows the ``created``/``priority`` events,
    the other matched fields are the incident's current ones. No timeline event is
    written. Returns the active clocks."""
    with transaction.atomic():
        real = lock(incident)
        for old in Clock.objects.filter(incident=real):
            old.delete()  # one by one: each leaves its history row
        entries = real.timeline.filter(kind=TimelineKind.EVENT, verb__in=RELEVANT).order_by(
            "created_at", "id"
        )
        snapshot = copy(real)
        snapshot.status, snapshot.hold_reason = Status.NEW, ""
        snapshot.acknowledged_at = snapshot.resolved_at = None
        active: list[Clock] = []
        for entry in entries.only("verb", "data", "created_at"):
            data = entry.data if isinstance(entry.data, dict) else {}
            verb, at = entry.verb, entry.created_at
            if verb == "created":
                snapshot.priority = data.get("priority", snapshot.priority)
                at = real.reported_at
            elif verb == "priority":
                snapshot.priority = data.get("to", snapshot.priority)
            elif verb == "updated" and not MATCHED_FIELDS.intersection(data.get("fields", ())):
                continue
            if verb in ("acknowledge", "hold", "resolve") and snapshot.acknowledged_at is None:
                snapshot.acknowledged_at = real.acknowledged_at or at
            if verb == "hold":
                snapshot.hold_reason = data.get("hold_reason", "")
            elif verb in ("resume", "resolve", "reopen", "cancel"):
                snapshot.hold_reason = ""
            snapshot.status = data.get("to", snapshot.status)
            if verb == "resolve":
                snapshot.resolved_at = at
            elif verb == "reopen":
                snapshot.resolved_at = None
            active = apply_event(snapshot, verb, at=at, announce=False, settle=False)
        settle_incident(real, active)
        return active
