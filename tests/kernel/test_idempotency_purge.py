"""Kept answers to ``Idempotency-Key`` requests expire: the periodic purge (beat, or
``manage.py run_periodic``) deletes those older than ``IDEMPOTENCY_KEY_TTL_HOURS``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kernel.models import IdempotencyKey
from servicedesk.celery import app

pytestmark = pytest.mark.django_db

PURGE = "kernel.tasks.purge_idempotency_keys"


def test_the_purge_is_on_the_beat_schedule():
    app.loader.import_default_modules()  # as run_periodic does: autodiscovery is lazy
    entries = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    assert entries[PURGE]["schedule"] <= 3600
    assert PURGE in app.tasks


def test_the_purge_deletes_expired_answers_only(agent_api, agent, service, caller, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 2
    body = {"title": "Checkout slow", "service": service.pk, "caller": caller.pk}
    for key in ("old", "fresh"):
        agent_api.post("/api/v1/incidents/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=2, minutes=1)
    )

    app.loader.import_default_modules()
    assert app.tasks[PURGE].apply().get() == 1

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    replayed = agent_api.post(
        "/api/v1/incidents/", body, format="json", HTTP_IDEMPOTENCY_KEY="fresh"
    )
    assert replayed["Idempotent-Replayed"] == "true"
