"""Thin Celery tasks. Beat runs ``fire_sla_alarms`` every ``SLA_ALARM_INTERVAL``
(``servicedesk.celery``)."""

from celery import shared_task

from sla.alarms import fire_due


@shared_task
def fire_sla_alarms() -> int:
    """Stamp and tell every SLA warning and breach that is due; how many were told."""
    return fire_due()
