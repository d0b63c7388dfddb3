"""Thin Celery tasks: load by id, call one function. ``acks_late`` and
``reject_on_worker_lost`` are on for every task (settings); both are idempotent."""

from uuid import UUID

from celery import shared_task

from notifications.delivery import deliver, relay_due


@shared_task
def deliver_notification(notification_id: str) -> str:
    return deliver(UUID(notification_id))


@shared_task
def relay_notifications() -> int:
    return relay_due()
