"""/metrics: only for the token or the allowed networks, and request latency labelled by
route, never by the path a client chose."""

import pytest
from django.utils import timezone

from notifications.enums import DeliveryStatus
from notifications.models import Notification

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


def test_metrics_do_not_exist_until_a_token_or_network_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []

    assert client.get("/metrics").status_code == 404


def test_only_the_right_bearer_token_reads_the_metrics(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []

    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 403
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "servicedesk_outbox_backlog 0.0" in response.content.decode()


def test_allowed_networks_are_checked_against_the_peer_address_only(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "::1"]

    inside = client.get("/metrics", REMOTE_ADDR="10.20.30.40")
    forged = client.get(
        "/metrics",
        REMOTE_ADDR="192.0.2.7",
        HTTP_X_FORWARDED_FOR="10.20.30.40",
        HTTP_X_REAL_IP="10.20.30.40",
    )

    assert inside.status_code == 200
    assert forged.status_code == 403


def test_request_latency_is_labelled_by_route_not_by_path(client, agent_api, incident, settings):
    settings.METRICS_TOKEN = TOKEN
    agent_api.get(f"/api/v1/incidents/{incident.number}/")
    client.get("/no-such-page-a8f3e1/")

    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()

    assert (
        'servicedesk_http_request_duration_seconds_count{method="GET",route="incident-detail",'
        'status="2xx"}' in text
    )
    assert 'route="unmatched",status="4xx"' in text
    assert incident.number not in text
    assert "a8f3e1" not in text


def test_outbox_and_deliveries_are_read_from_the_delivery_log(client, incident, settings):
    settings.METRICS_TOKEN = TOKEN
    pending = Notification.objects.filter(status=DeliveryStatus.PENDING)
    queued = pending.count()
    assert queued >= 2  # reporting the incident queued its notifications
    first = pending.order_by("created_at").first()
    Notification.objects.filter(pk=first.pk).update(
        status=DeliveryStatus.DELIVERED, delivered_at=timezone.now()
    )

    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()

    assert f"servicedesk_outbox_backlog {queued - 1}.0" in text
    delivered = (
        "servicedesk_notification_deliveries_total"
        f'{{channel="{first.channel}",result="delivered"}} 1.0'
    )
    assert delivered in text
    assert (
        'servicedesk_notification_deliveries_total{channel="webhook",result="failed"} 0.0' in text
    )
    assert "servicedesk_escalation_pages_total 0.0" in text
