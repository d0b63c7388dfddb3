"""/health/: what a load balancer sees. Database and cache failures answer 503; a late
outbox is a warning that keeps 200; the probe needs no allowed host name and no HTTPS."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.enums import DeliveryStatus
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_healthy_node_answers_200_with_every_check_in_json(client):
    response = client.get("/health/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "Database(alias='default')",
        "Cache(alias='default')",
        "Broker()",
        "OutboxBacklog()",
    }
    assert set(body.values()) == {"OK"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_page_is_html_under_the_csp_by_default(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_a_load_balancer_probing_by_address_over_http_gets_an_answer(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["desk.example.com"]

    probe = client.get("/health/?format=json", HTTP_HOST="10.1.2.3:8000")
    page = client.get("/status/", HTTP_HOST="desk.example.com")

    assert probe.status_code == 200
    assert page.status_code == 301  # everything else still goes to HTTPS


def test_a_cache_that_does_not_answer_makes_the_node_unhealthy(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }

    response = client.get("/health/?format=json")

    assert response.status_code == 503
    assert response.json()["Cache(alias='default')"] != "OK"
    assert response.json()["Database(alias='default')"] == "OK"


# The checks run on a thread pool, with connections of their own: they see committed rows.
@pytest.mark.django_db(transaction=True)
def test_a_late_outbox_is_a_warning_and_keeps_the_node_in_service(client, incident, settings):
    settings.HEALTH_OUTBOX_MAX_AGE = 300
    pending = Notification.objects.filter(status=DeliveryStatus.PENDING)
    assert pending.exists()  # reporting the incident queued its notifications
    # Retries waiting for their time are not late, however old the notification.
    pending.update(
        created_at=timezone.now() - timedelta(hours=3),
        next_attempt_at=timezone.now() + timedelta(minutes=30),
    )
    assert client.get("/health/?format=json").json()["OutboxBacklog()"] == "OK"

    pending.update(next_attempt_at=timezone.now() - timedelta(minutes=20))
    response = client.get("/health/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["OutboxBacklog()"].startswith("Warning: oldest due notification")
