"""Must-show 4: a receiver answering 500 then 200 gets the webhook after retries with
backoff; one answering 410 gets its endpoint disabled, shown so in the admin; any other
4xx stops at once. Signatures are checked with an independent implementation."""

import itertools

import pytest
from django.urls import reverse

from incidents.workflow import incident_create
from notifications.enums import Channel, DeliveryStatus
from notifications.models import Endpoint, Notification
from tests.notifications.harness import wait_until
from tests.notifications.standard_webhooks import verify


@pytest.mark.django_db(transaction=True)
def test_retries_then_gone(
    broker_url, spawn_worker, receiver, make_endpoint, agent, caller, team, service, admin_client
):
    flaky = make_endpoint("/flaky")
    gone = make_endpoint("/gone")
    bad = make_endpoint("/bad")
    receiver.script = {"/flaky": [500, 503], "/gone": [410], "/bad": [400]}
    spawn_worker(broker_url)  # retry schedule 1 s, 1 s, 1 s (+/- 20 % jitter)

    incident = incident_create(by=agent, title="API down", caller=caller, service=service)
    hooks = Notification.objects.filter(channel=Channel.WEBHOOK)

    def settled() -> bool:
        return not hooks.filter(status=DeliveryStatus.PENDING).exists()

    assert wait_until(settled, timeout=30)

    delivered = hooks.get(endpoint=flaky)
    assert delivered.status == DeliveryStatus.DELIVERED
    assert delivered.attempts == 3
    attempts = [r for r in receiver.received if r.path == "/flaky"]
    assert len(attempts) == 3
    assert {r.headers["webhook-id"] for r in attempts} == {delivered.message_id}
    gaps = [b.at - a.at for a, b in itertools.pairwise(attempts)]
    assert all(gap >= 0.75 for gap in gaps), gaps  # backed off, not hammered
    # Retries wait in the database: the relay (every 1 s here) sends each within about a
    # relay interval of its due time (1 s +/- 20 %), give or take a busy machine.
    assert all(gap < 4 for gap in gaps), gaps
    assert all(verify(flaky.secret, r.headers, r.body) for r in attempts)
    assert not verify(gone.secret, attempts[0].headers, attempts[0].body)
    assert attempts[-1].json["data"]["number"] == incident.number

    failed = hooks.get(endpoint=gone)
    assert failed.status == DeliveryStatus.FAILED and failed.attempts == 1
    gone.refresh_from_db()
    assert not gone.is_active and "410" in gone.disabled_reason
    refused = hooks.get(endpoint=bad)
    assert refused.status == DeliveryStatus.FAILED and refused.attempts == 1
    assert "HTTP 400" in refused.last_error
    assert Endpoint.objects.get(pk=bad.pk).is_active  # a 400 is our bug, not theirs

    page = admin_client.get(reverse("admin:notifications_endpoint_changelist"))
    assert page.status_code == 200
    assert "410 Gone" in page.content.decode()
    assert "icon-no" in page.content.decode()  # the boolean column shows it inactive

    # A disabled endpoint gets no new rows.
    incident_create(by=agent, title="API down again", caller=caller, service=service)
    assert not hooks.filter(endpoint=gone).exclude(pk=failed.pk).exists()
