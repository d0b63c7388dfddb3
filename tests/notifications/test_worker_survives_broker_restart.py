"""Must-show 5: Redis stopped for 10 s while webhook retries wait and a delivery is in
flight, then started again (empty: no persistence). Nobody touches the worker: it is still
the same process afterwards, and every notification arrives exactly once. Retries wait in
the database, not in the broker, so the restart loses none of them."""

import time
from collections import Counter

import pytest

from notifications.enums import Channel, DeliveryStatus
from notifications.models import Notification
from tests.conftest import token_for
from tests.notifications.harness import (
    post_json,
    read_mail,
    spawn_web,
    wait_until,
    web_ready,
    worker_env,
)

INCIDENTS = 8
OUTAGE = 10.0


@pytest.mark.django_db(transaction=True)
def test_worker_survives_a_redis_restart(
    private_redis,
    spawn_worker,
    database_url,
    receiver,
    mail_dir,
    make_endpoint,
    tmp_path,
    agent,
    caller,
    team,
    service,
):
    make_endpoint("/hook")
    receiver.script = {"/hook": [500] * INCIDENTS}  # every first attempt fails
    token = token_for(agent)
    # The API in its own process, publishing to the private Redis (started before the
    # worker so that both boot at once).
    env = worker_env(database_url, private_redis.url, mail_dir)
    server, url = spawn_web(env, tmp_path / "web.log")
    try:
        worker = spawn_worker(private_redis.url, NOTIFICATIONS_RETRY_SCHEDULE="6,6,6")
        assert web_ready(server), server.output()

        def report(title: str) -> None:
            assert post_json(
                url, token, {"title": title, "caller": caller.pk, "service": service.pk}
            )

        for i in range(INCIDENTS):
            report(f"Switch {i} down")
        hooks = Notification.objects.filter(channel=Channel.WEBHOOK)
        # Every webhook failed once and waits for its retry, due 4.8-7.2 s later.
        assert wait_until(
            lambda: hooks.filter(status=DeliveryStatus.PENDING, attempts=1).count() == INCIDENTS,
            timeout=15,
        )
        retries = set(hooks.values_list("pk", flat=True))

        # One more delivery, held in flight by a slow receiver: the worker holds its
        # message unacknowledged (acks_late) when Redis goes away.
        receiver.delay = 3.0
        report("Core router down")
        held = hooks.exclude(pk__in=retries).get()
        assert wait_until(lambda: f"msg_{held.pk.hex}" in receiver.arrived, timeout=10)
        private_redis.stop()
        receiver.delay = 0.0
        time.sleep(OUTAGE)
        assert not hooks.filter(pk__in=retries, status=DeliveryStatus.DELIVERED).exists()
        private_redis.start()
        back = time.time()

        outbox = Notification.objects.exclude(channel=Channel.INBOX)
        assert outbox.count() == 4 * (INCIDENTS + 1)  # 3 emails and a webhook each
        assert wait_until(
            lambda: not outbox.exclude(status=DeliveryStatus.DELIVERED).exists(),
            timeout=20,
            interval=0.25,
        ), outbox.exclude(status=DeliveryStatus.DELIVERED).values_list("channel", "attempts")
        print(f"\nall delivered {time.time() - back:.1f} s after Redis came back")

        # The same worker process, never restarted: it lost the broker and reconnected.
        assert worker.popen.poll() is None, worker.output()[-3000:]
        log = worker.output()
        assert "Connection to broker lost" in log
        assert "Unrecoverable error" not in log, log[-3000:]

        # Exactly once: one successful answer per webhook id, one mail per Message-ID.
        accepted = Counter(r.headers["webhook-id"] for r in receiver.received if r.status == 200)
        assert accepted == Counter(
            {f"msg_{pk.hex}": 1 for pk in hooks.values_list("pk", flat=True)}
        )
        # The retries fell due during the outage and went out after it, each on attempt 2.
        assert all(
            r.at >= back
            for r in receiver.received
            if r.status == 200 and r.headers["webhook-id"] in {f"msg_{pk.hex}" for pk in retries}
        )
        assert set(hooks.filter(pk__in=retries).values_list("attempts", flat=True)) == {2}
        mails = Counter(mail["Message-ID"] for mail in read_mail(mail_dir))
        assert len(mails) == outbox.filter(channel=Channel.EMAIL).count()
        assert set(mails.values()) == {1}
    finally:
        server.kill()
