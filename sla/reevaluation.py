"""Re-evaluation with retroactive start (as ServiceNow does): when what a definition
matches on changes (priority, severity, service, category), the first matching definition
is found again. Where another one now applies, the old clock is cancelled with the reason
and a new clock of the new definition counts from the ORIGINAL start with the SAME pauses,
so the time already used and the pauses already taken carry over; only the target differs.

A clock that already stopped keeps its outcome (a met response stays met). A target the
incident had no clock for (the old definition had none) gets one, stopped at the
incident's milestone when that already passed."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from incidents.models import Status
from sla.clockops import cancel, new_clock, resume, stop
from sla.matching import first_match, load_calendar
from sla.models import Clock, SlaDefinition, Target

if TYPE_CHECKING:
    from incidents.models import Incident

NAMES = {Target.RESPONSE: "Response", Target.RESOLUTION: "Resolution"}


@dataclass
class Outcome:
    cancelled: list[Clock] = field(default_factory=list)
    started: list[Clock] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    """For people: one line per target that changed (the ``sla_changed`` event's body)."""
    data: list[dict[str, Any]] = field(default_factory=list)


def reevaluate(
    incident: "Incident",
    at: datetime,
    clocks: list[Clock],
    definitions: list[SlaDefinition],
) -> Outcome:
    """Decide, in memory, which of ``clocks`` (the incident's active ones) to cancel and
    which to start; the caller saves them."""
    definition = first_match(definitions, incident)
    by_target = {clock.target: clock for clock in clocks}
    # Every clock of an incident has the same start and pauses until one stops: a new
    # target copies them from a running or paused sibling, else from the clock the last
    # re-evaluation cancelled (a stopped sibling stopped taking pauses when it stopped).
    unstopped = [clock for clock in clocks if clock.stopped_at is None]
    template = next(
        (clock for clock in unstopped if clock.target == Target.RESOLUTION),
        unstopped[0] if unstopped else None,
    )
    outcome = Outcome()
    loaded = False
    for target in Target:
        current = by_target.get(target)
        if current is not None and current.stopped_at is not None:
            continue
        if (
            current is not None
            and definition is not None
            and current.definition_id == definition.pk
        ):
            continue
        if current is None and (definition is None or definition.amount(target) is None):
            continue
        name = NAMES[target]
        if current is not None:
            now = f"now '{definition}'" if definition else "no definition matches any more"
            cancel(current, at, f"Re-evaluated: {now}")
            outcome.cancelled.append(current)
        clock: Clock | None = None
        if definition is not None:
            if not loaded:
                load_calendar(definition.calendar)
                loaded = True
            source = current or template or _cancelled(incident)
            clock = new_clock(
                incident,
                definition,
                target,
                started_at=source.started_at if source else incident.reported_at,
                pauses=source.pauses if source else [],
                paused_since=source.paused_since if source else None,
            )
        if clock is None:
            why = "no definition matches" if definition is None else f"'{definition}' has none"
            outcome.words.append(f"{name} SLA '{current.definition}' no longer applies: {why}.")  # type: ignore[union-attr]
            outcome.data.append({"target": target, "from": _name(current), "to": None})
            continue
        _follow_hold(clock, incident, at)
        milestone = incident.acknowledged_at if target == Target.RESPONSE else incident.resolved_at
        if current is None and milestone is not None:
            stop(clock, milestone, definition.calendar.working_time())  # type: ignore[union-attr]
        outcome.started.append(clock)
        outcome.words.append(
            f"{name} SLA now '{definition}' ({definition.describe(target)}), "  # type: ignore[union-attr]
            "counted from the original start."
        )
        outcome.data.append(
            {
                "target": target,
                "from": _name(current),
                "to": str(definition),
                "target_seconds": clock.target_seconds,
            }
        )
    return outcome


def _cancelled(incident: "Incident") -> Clock | None:
    """The incident's newest cancelled resolution clock: its start and pauses are the
    incident's, when no active clock is left to copy them from (one query, only then)."""
    return (
        Clock.objects.filter(
            incident=incident, target=Target.RESOLUTION, cancelled_at__isnull=False
        )
        .order_by("-cancelled_at", "-id")
        .first()
    )


def _follow_hold(clock: Clock, incident: "Incident", at: datetime) -> None:
    """The copied past pauses stay, but whether the new clock is paused now follows the
    incident's hold under the NEW definition's pause reasons, from ``at`` on."""
    held = (
        incident.status == Status.ON_HOLD
        and incident.hold_reason in clock.definition.pause_hold_reasons
    )
    if held and clock.paused_since is None:
        clock.paused_since = max(at, clock.started_at)
    elif not held and clock.paused_since is not None:
        resume(clock, max(at, clock.paused_since))


def _name(clock: Clock | None) -> str | None:
    return None if clock is None else str(clock.definition)
