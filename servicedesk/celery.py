"""The Celery app. The beat schedule lives here, in code (django-celery-beat caps Django)."""

import os
from typing import Any

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "auto-close-resolved-incidents": {
        "task": "incidents.tasks.auto_close_resolved_incidents",
        "schedule": 3600.0,
    },
    "purge-idempotency-keys": {
        "task": "kernel.tasks.purge_idempotency_keys",
        "schedule": 3600.0,
    },
    "purge-alert-deliveries": {
        "task": "alerts.tasks.purge_alert_deliveries",
        "schedule": 3600.0,
    },
    # A flapping alert that went quiet flaps no more, and the incident it held open
    # resolves if all its alerts are resolved.
    "settle-flapping-alerts": {
        "task": "alerts.tasks.settle_flapping_alerts",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
}

# Seconds after which a queued run of the relay or the sweep is dropped unrun.
PERIODIC_EXPIRES = 60.0


@app.on_after_finalize.connect
def schedule_from_settings(sender: Celery, **kwargs: Any) -> None:
    """Entries whose interval is a setting: read once Django's settings are loaded."""
    from django.conf import settings

    # Both run every few seconds: a run still queued a minute after it was sent (behind a
    # backlog) is dropped, since later runs did its work. Not sooner: expiry compares
    # beat's clock with the worker's, which may be a little apart.
    sender.conf.beat_schedule["relay-notifications"] = {
        "task": "notifications.tasks.relay_notifications",
        "schedule": settings.NOTIFICATIONS_RELAY_INTERVAL,
        "options": {"expires": PERIODIC_EXPIRES},
    }
    sender.conf.beat_schedule["sweep-escalations"] = {
        "task": "oncall.tasks.sweep_escalations",
        "schedule": settings.ESCALATION_SWEEP_INTERVAL,
        "options": {"expires": PERIODIC_EXPIRES},
    }
    # A major incident whose stakeholder update is overdue reminds its communications lead
    # (else its commander), once per overdue period (response.cadence), however often this
    # runs.
    sender.conf.beat_schedule["remind-overdue-updates"] = {
        "task": "response.tasks.remind_overdue_updates",
        "schedule": settings.MAJOR_UPDATE_REMINDER_INTERVAL,
        "options": {"expires": max(settings.MAJOR_UPDATE_REMINDER_INTERVAL, PERIODIC_EXPIRES)},
    }
    # Each overdue action item's owner hears once a week (reminded_at), however often
    # this runs.
    sender.conf.beat_schedule["remind-overdue-action-items"] = {
        "task": "postmortems.tasks.remind_overdue_action_items",
        "schedule": settings.ACTION_ITEM_REMINDER_INTERVAL,
        "options": {"expires": max(settings.ACTION_ITEM_REMINDER_INTERVAL, PERIODIC_EXPIRES)},
    }

    # The desk's IMAP mailbox (docs/mail.md#receiving), when one is configured. A poll
    # that outlasts the interval holds the mailbox's lock; the next finds it and returns.
    if settings.MAIL_IMAP_URL:
        sender.conf.beat_schedule["fetch-mail"] = {
            "task": "mailin.tasks.fetch_mail",
            "schedule": settings.MAIL_IMAP_POLL_INTERVAL,
            "options": {"expires": max(settings.MAIL_IMAP_POLL_INTERVAL, PERIODIC_EXPIRES)},
        }

    # Every SLA warning and breach that is due is stamped and told once (sla.alarms), however
    # often this runs.
    sender.conf.beat_schedule["fire-sla-alarms"] = {
        "task": "sla.tasks.fire_sla_alarms",
        "schedule": settings.SLA_ALARM_INTERVAL,
        "options": {"expires": max(settings.SLA_ALARM_INTERVAL, PERIODIC_EXPIRES)},
    }


@task_prerun.connect(dispatch_uid="servicedesk.close_old_connections.prerun")
@task_postrun.connect(dispatch_uid="servicedesk.close_old_connections.postrun")
def close_old_connections(sender: Task | None = None, **kwargs: Any) -> None:
    """What Django does around a request, around a task: a connection that is broken or
    older than CONN_MAX_AGE is closed (CELERY_DB_REUSE_MAX keeps Celery from closing every
    connection after every task). Not for eager tasks: they run inside the caller's
    transaction."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
