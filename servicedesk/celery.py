"""The Celery app. The beat schedule lives here, in code (django-celery-beat caps Django)."""

import os

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
