"""Delivering one outbox row, retrying with backoff, and the relay that hands the broker
every row that is due: retries when their time comes, and rows a broker or a worker lost.

At least once to the channel, exactly once in effect: a row is claimed with a lease before
it is sent, so two tasks holding the same id never send at once; a worker killed after
sending but before recording leaves the lease to expire, and the relay sends again with the
same message id, which receivers dedupe on.

Retries are scheduled in the database, not in the broker: a failed row gets its next
``next_attempt_at`` and waits there, and the relay (beat, every
``NOTIFICATIONS_RELAY_INTERVAL``) hands it over once due. A countdown task would sit
unacknowledged in a worker for minutes or hours, and die with the broker's memory.

A ``Notification`` row is itself the delivery log (attempts, status, last error), with no
history table: claiming, handing back and marking rows are set-wise UPDATEs of the rows
this task holds, not audited saves.
"""

import logging
import random
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from notifications.channels import Courier, Gone, Permanent, Transient
from notifications.enums import DeliveryStatus
from notifications.models import Endpoint, Notification, new_webhook_secret
from notifications.outbox import enqueue

logger = logging.getLogger(__name__)

# A task may arrive a little before the row's due time (clock skew between hosts).
EARLY_SLACK = timedelta(seconds=2)

# Seconds between the "delivered" updates of a batch that takes long (slow receivers).
MARK_EVERY = 1.0


def retry_delay(attempt: int) -> float | None:
    """Seconds to wait after failed attempt number ``attempt`` (1-based), with +/-20 %
    jitter so that retries after an outage do not arrive in one wave; None: give up."""
    schedule: list[int] = settings.NOTIFICATIONS_RETRY_SCHEDULE
    if attempt > len(schedule):
        return None
    return schedule[attempt - 1] * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not crypto)


def _claim(pks: Sequence[UUID], now: datetime) -> list[Notification]:
    """Take the lease on every row of ``pks`` that is due and that nobody holds, and load
    them: one transaction for the whole batch."""
    lease = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    claimable = (
        Notification.objects.filter(
            pk__in=pks, status=DeliveryStatus.PENDING, next_attempt_at__lte=now + EARLY_SLACK
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .select_related("recipient", "endpoint")
    )
    with transaction.atomic():
        # Two tasks holding the same ids (a duplicate message, the relay re-handing a row a
        # slow task still holds): the row lock makes the second skip what the first took,
        # instead of both reading it unclaimed and both sending it.
        rows = list(claimable.select_for_update(skip_locked=True, of=("self",)))
        if rows:
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                claimed_until=lease, attempts=F("attempts") + 1
            )
    for row in rows:
        row.attempts += 1
        row.claimed_until = lease
    return rows


def deliver(pk: UUID) -> str:
    """Send row ``pk`` once if it is due and nobody else holds it; returns what happened
    (for logs and tests). Never raises: the row records every failure."""
    return deliver_batch([pk]).get(pk, "skipped")


def deliver_batch(pks: Sequence[UUID]) -> dict[UUID, str]:
    """Send each row of ``pks`` once if it is due and nobody else holds it; returns what
    happened to each row sent or tried (the others were skipped). Never raises: every
    failure is recorded on its own row, and one row failing does not hold back the rest.

    The batch is claimed, then sent row by row, then the rows sent are marked delivered
    together. A worker killed in between leaves their leases to expire: the relay sends
    them again with the same ids. A batch that runs past half its lease (slow receivers)
    hands the rows it has not sent back to the broker rather than send them unleased."""
    started = marked = time.monotonic()
    rows = _claim(pks, timezone.now())
    outcome: dict[UUID, str] = {}
    delivered: list[UUID] = []
    gone: set[int] = set()
    budget = settings.NOTIFICATIONS_LEASE_SECONDS / 2
    with Courier() as courier:
        for index, notification in enumerate(rows):
            if time.monotonic() - started > budget:
                _hand_back(rows[index:])
                break
            if notification.endpoint is not None and notification.endpoint.pk in gone:
                # Loaded before an earlier row of this batch got its endpoint disabled.
                notification.endpoint.is_active = False
            try:
                courier.send(notification)
            except Gone as exc:
                if notification.endpoint is not None:
                    endpoint_disable(notification.endpoint, reason=str(exc))
                    gone.add(notification.endpoint.pk)
                outcome[notification.pk] = _give_up(notification, str(exc))
            except Permanent as exc:
                outcome[notification.pk] = _give_up(notification, str(exc))
            except Transient as exc:
                outcome[notification.pk] = _retry_later(notification, str(exc))
            except Exception as exc:  # a bug or an unforeseen error: keep the row and retry
                logger.exception("Delivering notification %s failed", notification.pk)
                outcome[notification.pk] = _retry_later(
                    notification, f"{type(exc).__name__}: {exc}"
                )
            else:
                delivered.append(notification.pk)
                outcome[notification.pk] = "delivered"
                if time.monotonic() - marked > MARK_EVERY:
                    # A slow batch records what it sent as it goes, not only at its end.
                    _mark_delivered(delivered)
                    delivered, marked = [], time.monotonic()
    _mark_delivered(delivered)
    return outcome


def _mark_delivered(pks: Sequence[UUID]) -> None:
    if pks:
        Notification.objects.filter(pk__in=pks).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=timezone.now(),
            claimed_until=None,
            last_error="",
        )


def _hand_back(rows: Sequence[Notification]) -> None:
    """Release rows claimed but not tried (the attempt is not counted) and queue them
    again."""
    pks = [row.pk for row in rows]
    Notification.objects.filter(pk__in=pks).update(
        claimed_until=None, attempts=F("attempts") - 1, enqueued_at=timezone.now()
    )
    enqueue(pks)


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
    # enqueued_at cleared: not with the broker, so the relay hands it over once it is due.
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=due, enqueued_at=None, claimed_until=None, last_error=error[:2000]
    )
    return "retry"


def relay_due(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Hand the broker every undelivered row that is due and that no task holds: a retry
    whose time has come, a row whose on-commit publish failed (broker down), or one whose
    task died with a worker or the broker. Rows handed over less than
    NOTIFICATIONS_REDELIVER_AFTER ago are presumed still queued. One query on the partial
    index of pending rows when nothing is due."""
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


def endpoint_rotate_secret(endpoint: Endpoint, *, by: User) -> str:
    """A new signing secret, in force for every send from now on (retries included: a row is
    signed when it is sent). Returns it, for the one page that shows it; the old one stops
    verifying at once, so the receiver must be given the new one."""
    endpoint.secret = new_webhook_secret()
    endpoint.secret_set_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_set_at"])
    logger.info("Webhook endpoint %s: signing secret rotated by %s", endpoint.pk, by)
    return endpoint.secret
