from celery import shared_task

from response.cadence import remind_overdue


@shared_task
def remind_overdue_updates() -> int:
    return remind_overdue()
