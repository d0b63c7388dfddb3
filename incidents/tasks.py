from celery import shared_task

from incidents.workflow import incident_auto_close_due


@shared_task
def auto_close_resolved_incidents() -> int:
    return incident_auto_close_due()
