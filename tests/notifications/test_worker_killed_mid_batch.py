"""Must-show 3: a worker killed with SIGKILL in the middle of a batch loses nothing. The
rows it held come back when their lease expires, the relay hands them to a new worker,
and a notification sent twice carries the same id both times (receivers dedupe on it)."""

import signal
import time
from collections import defaultdict

import pytest

from incidents.workflow import incident_create
from notifications.enums import Channel, DeliveryStatus
from notifications.models import Notification
from tests.notifications.harness import read_mail, wait_until

INCIDENTS = 300


@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_batch(
    broker_url, spawn_worker, receiver, mail_dir, make_endpoint, agent, caller, team, service
):
    make_endpoint("/hook")
    receiver.delay = 0.05  # slow answers keep deliveries in flight when the kill lands
    for i in range(INCIDENTS):
        incident_create(by=agent, title=f"Router {i} down", caller=caller, service=service)
    outbox = Notification.objects.exclude(channel=Channel.INBOX)
    total = outbox.count()
    assert total == 4 * INCIDENTS

    first = spawn_worker(broker_url, concurrency=4)
    assert wait_until(lambda: len(receiver.received) >= 100, timeout=60)
    first.kill(signal.SIGKILL)  # the whole process group: the main process and its pool
    done_before = outbox.filter(status=DeliveryStatus.DELIVERED).count()
    assert 0 < done_before < total, "the kill must land mid-batch"

    spawn_worker(broker_url, concurrency=4)
    killed_at = time.monotonic()
    assert wait_until(
        lambda: not outbox.exclude(status=DeliveryStatus.DELIVERED).exists(),
        timeout=600,  # a bound on "eventually" for a busy machine, not a speed goal
        interval=0.5,
    ), outbox.exclude(status=DeliveryStatus.DELIVERED).count()

    # Every webhook arrived; any arriving twice came with the same id: one id per incident.
    ids_per_incident: dict[str, set[str]] = defaultdict(set)
    for received in receiver.received:
        ids_per_incident[received.json["data"]["number"]].add(received.headers["webhook-id"])
    assert len(ids_per_incident) == INCIDENTS
    assert all(len(ids) == 1 for ids in ids_per_incident.values())

    mails = read_mail(mail_dir)
    ids_per_mail: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mail in mails:
        ids_per_mail[(mail["Subject"], mail["To"])].add(mail["Message-ID"])
    assert len(ids_per_mail) == 3 * INCIDENTS
    assert all(len(ids) == 1 for ids in ids_per_mail.values())
    print(
        f"\nkilled after {done_before}/{total} deliveries; the rest delivered "
        f"{time.monotonic() - killed_at:.1f} s later; resent with the same id: "
        f"{len(receiver.received) - INCIDENTS} webhooks, {len(mails) - 3 * INCIDENTS} mails"
    )
