"""Must-show 2: with the broker stopped, 200 incidents are still saved (the API answers
201, not 500), and all their notifications arrive within 60 s of the broker coming back:
the relay hands over what the on-commit publish could not."""

import time

import pytest

from incidents.models import Incident
from notifications.enums import Channel, DeliveryStatus
from notifications.models import Notification
from tests.conftest import token_for
from tests.notifications.harness import (
    post_json,
    spawn_web,
    wait_until,
    web_ready,
    worker_env,
)

INCIDENTS = 200


@pytest.mark.django_db(transaction=True)
def test_broker_down_while_incidents_are_created(
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
    token = token_for(agent)
    spawn_worker(private_redis.url)
    env = worker_env(database_url, private_redis.url, mail_dir)
    server, url = spawn_web(env, tmp_path / "web.log")
    try:
        assert web_ready(server), server.output()

        private_redis.stop()
        started = time.monotonic()
        statuses = [
            post_json(
                url, token, {"title": f"Disk {i} full", "caller": caller.pk, "service": service.pk}
            )
            for i in range(INCIDENTS)
        ]
        took = time.monotonic() - started
        assert statuses == [201] * INCIDENTS
        assert Incident.objects.count() == INCIDENTS
        outbox = Notification.objects.exclude(channel=Channel.INBOX)
        assert outbox.count() == 4 * INCIDENTS  # 3 emails and a webhook each
        assert not outbox.filter(status=DeliveryStatus.DELIVERED).exists()

        private_redis.start()
        back = time.monotonic()
        delivered = wait_until(
            lambda: not outbox.exclude(status=DeliveryStatus.DELIVERED).exists(),
            timeout=60,
            interval=0.5,
        )
        assert delivered, outbox.exclude(status=DeliveryStatus.DELIVERED).count()
        print(
            f"\n{INCIDENTS} incidents created with the broker down in {took:.1f} s; "
            f"all {outbox.count()} notifications delivered "
            f"{time.monotonic() - back:.1f} s after it came back"
        )
        assert len(set(receiver.ids("/hook"))) == INCIDENTS
    finally:
        server.kill()
