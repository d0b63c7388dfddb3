from celery import shared_task

from kernel.idempotency import purge_expired


@shared_task
def purge_idempotency_keys() -> int:
    return purge_expired()
