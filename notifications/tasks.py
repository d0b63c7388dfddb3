"""Thin Celery tasks: load by id, call one function. ``acks_late`` and
``reject_on_worker_lost`` are on for every task (settings); both are idempotent.

``publish_delivery`` is the outbox's hand-off to the broker (``notifications.wiring``
plugs it in), so the outbox and delivery never import this module."""

from uuid import UUID

from celery import shared_task

from notifications.delivery import deliver, relay_due


@shared_task
def deliver_notification(notification_id: str) -> str:
    return deliver(UUID(notification_id))


@shared_task
def relay_notifications() -> int:
    return relay_due()


def publish_delivery(notification_id: str, countdown: float) -> None:
    """Queue one row's delivery; raises when the broker is unreachable (the outbox then
    leaves the row for the relay)."""
    # No publish retries: with the broker down the request must not wait; the relay is
    # the retry.
    deliver_notification.apply_async((notification_id,), countdown=countdown, retry=False)
