"""Thin tasks: the countdown for one escalation step, and the sweep beat runs."""

from celery import shared_task

from oncall.escalation import escalation_advance, escalations_due


@shared_task
def advance_escalation(escalation_id: int, cycle: int, level: int) -> bool:
    return escalation_advance(escalation_id, cycle=cycle, level=level)


@shared_task
def sweep_escalations() -> int:
    return escalations_due()
