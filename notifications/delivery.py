"""Delivering one outbox row, retrying with backoff, and the relay that finds lost rows.

At least once to the channel, exactly once in effect: a row is claimed with a lease before
it is sent, so two tasks holding the same id never send at once; a worker killed after
sending but before recording leaves the lease to expire, and the relay sends again with the
same message id, which receivers dedupe on.
"""

import logging
import random
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.channels import SENDERS, Gone, Permanent, Transient
from notifications.enums import DeliveryStatus
from notifications.models import Endpoint, Notification
from notifications.outbox import enqueue

logger = logging.getLogger(__name__)

# A task may arrive a little before the row's due time (clock skew between hosts).
EARLY_SLACK = timedelta(seconds=2)


def retry_delay(attempt: int) -> float | None:
    """Seconds to wait after failed attempt number ``attempt`` (1-based), with +/-20 %
    jitter so that retries after an outage do not arrive in one wave; None: give up."""
    schedule: list[int] = settings.NOTIFICATIONS_RETRY_SCHEDULE
    if attempt > len(schedule):
        return None
    return schedule[attempt - 1] * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not crypto)


def _claim(pk: UUID, now: datetime) -> bool:
    lease = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    claimed = (
        Notification.objects.filter(
            pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now + EARLY_SLACK
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=lease, attempts=F("attempts") + 1)
    )
    return claimed == 1


def deliver(pk: UUID) -> str:
    """Send row ``pk`` once if it is due and nobody else holds it; returns what happened
    (for logs and tests). Never raises: the row records every failure."""
    now = timezone.now()
    if not _claim(pk, now):
        return "skipped"
    notification = Notification.objects.select_related("recipient", "endpoint").get(pk=pk)
    try:
        SENDERS[notification.channel](notification)
    except Gone as exc:
        if notification.endpoint is not None:
            endpoint_disable(notification.endpoint, reason=str(exc))
        return _give_up(notification, str(exc))
    except Permanent as exc:
        return _give_up(notification, str(exc))
    except Transient as exc:
        return _retry_later(notification, str(exc))
    except Exception as exc:  # a bug or an unforeseen error: keep the row and retry
        logger.exception("Delivering notification %s failed", pk)
        return _retry_later(notification, f"{type(exc).__name__}: {exc}")
    Notification.objects.filter(pk=pk).update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        claimed_until=None,
        last_error="",
    )
    return "delivered"


def _give_up(notification: Notification, error: str) -> str:
    Notification.objects.filter(pk=notification.pk).update(
        status=DeliveryStatus.FAILED, claimed_until=None, last_error=error[:2000]
    )
    return "failed"


def _retry_later(notification: Notification, error: str) -> str:
    delay = retry_delay(notification.attempts)
    if delay is None:
        return _give_up(notification, f"Gave up after {notification.attempts} attempts: {error}")
    due = timezone.now() + timedelta(seconds=delay)
    # enqueued_at = due: the relay leaves it alone unless the countdown task is lost.
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=due, enqueued_at=due, claimed_until=None, last_error=error[:2000]
    )
    enqueue([notification.pk], at=due)
    return "retry"


def relay_due(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Hand the broker every undelivered row that is due and that no task holds: its
    on-commit publish failed (broker down), or its task died with a worker. Rows handed
    over less than NOTIFICATIONS_REDELIVER_AFTER ago are presumed still queued."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_REDELIVER_AFTER)
    due = (
        Notification.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
    )
    ids = list(due.values_list("pk", flat=True)[:limit])
    if ids:
        Notification.objects.filter(pk__in=ids).update(enqueued_at=now)
        enqueue(ids)
    return len(ids)


def notification_retry(notification: Notification) -> None:
    """ "Retry now" from the delivery log: due at once, even after it was given up."""
    if notification.status == DeliveryStatus.DELIVERED:
        return
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, enqueued_at=now, claimed_until=None
    )
    transaction.on_commit(lambda: enqueue([notification.pk]))


def endpoint_disable(endpoint: Endpoint, *, reason: str) -> None:
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = reason[:300]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    logger.warning("Webhook endpoint %s disabled: %s", endpoint.pk, reason)


def endpoint_enable(endpoint: Endpoint) -> None:
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
