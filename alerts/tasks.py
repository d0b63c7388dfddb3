from celery import shared_task

from alerts.intake import purge_deliveries, settle_flapping


@shared_task
def settle_flapping_alerts() -> int:
    return settle_flapping()


@shared_task
def purge_alert_deliveries() -> int:
    return purge_deliveries()
