"""The Celery app. The beat schedule lives here, in code (django-celery-beat caps Django)."""

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "auto-close-resolved-incidents": {
        "task": "incidents.tasks.auto_close_resolved_incidents",
        "schedule": 3600.0,
    },
}


@app.on_after_finalize.connect
def schedule_from_settings(sender: Celery, **kwargs: Any) -> None:
    """Entries whose interval is a setting: read once Django's settings are loaded."""
    from django.conf import settings

    sender.conf.beat_schedule["relay-notifications"] = {
        "task": "notifications.tasks.relay_notifications",
        "schedule": settings.NOTIFICATIONS_RELAY_INTERVAL,
    }
    sender.conf.beat_schedule["sweep-escalations"] = {
        "task": "oncall.tasks.sweep_escalations",
        "schedule": settings.ESCALATION_SWEEP_INTERVAL,
    }
