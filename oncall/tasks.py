"""Thin tasks: the countdown for one escalation step, and the sweep beat runs.
``schedule_step`` is the escalation ladder's hand-off to the broker (``oncall.wiring``
plugs it in), so ``oncall.escalation`` never imports this module."""

from celery import shared_task

from oncall.escalation import escalation_advance, escalations_due


@shared_task
def advance_escalation(escalation_id: int, cycle: int, level: int) -> bool:
    return escalation_advance(escalation_id, cycle=cycle, level=level)


@shared_task
def sweep_escalations() -> int:
    return escalations_due()


def schedule_step(escalation_id: int, cycle: int, level: int, countdown: float) -> None:
    """Queue one step of the ladder; raises when the broker is unreachable (the sweep then
    fires the step)."""
    # No publish retries: the request must not wait on a dead broker; the sweep is the retry.
    advance_escalation.apply_async((escalation_id, cycle, level), countdown=countdown, retry=False)
