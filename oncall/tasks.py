"""Thin tasks: the sweep beat runs, and one escalation step.

Steps are due from ``Escalation.next_at`` and fired by the sweep; nothing queues
``advance_escalation`` any more. It stays for countdown messages an older release left in
the broker."""

from celery import shared_task

from oncall.escalation import escalation_advance, escalations_due


@shared_task
def advance_escalation(escalation_id: int, cycle: int, level: int) -> bool:
    return escalation_advance(escalation_id, cycle=cycle, level=level)


@shared_task
def sweep_escalations() -> int:
    return escalations_due()
