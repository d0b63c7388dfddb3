"""Thin Celery tasks: load by id, call one function. ``acks_late`` and
``reject_on_worker_lost`` are on for every task (settings); both are idempotent.

``publish_delivery`` is the outbox's hand-off to the broker (``notifications.wiring``
plugs it in), so the outbox and delivery never import this module."""

from uuid import UUID

from celery import shared_task

from notifications.delivery import deliver, deliver_batch, relay_due


@shared_task
def deliver_notifications(notification_ids: list[str]) -> dict[str, int]:
    """Deliver a batch of rows (one commit's, or a share of the relay's)."""
    outcome = deliver_batch([UUID(pk) for pk in notification_ids])
    counts = dict.fromkeys(("delivered", "retry", "failed"), 0)
    for what in outcome.values():
        counts[what] += 1
    counts["skipped"] = len(notification_ids) - len(outcome)
    return counts


@shared_task
def deliver_notification(notification_id: str) -> str:
    """One row: the message format before batches, kept for messages queued by an older
    release."""
    return deliver(UUID(notification_id))


@shared_task
def relay_notifications() -> int:
    return relay_due()


def publish_delivery(notification_ids: list[str]) -> None:
    """Queue one batch's delivery, to run now; raises when the broker is unreachable (the
    outbox then leaves the rows for the relay)."""
    # No publish retries: with the broker down the request must not wait; the relay is
    # the retry.
    deliver_notifications.apply_async((notification_ids,), retry=False)
