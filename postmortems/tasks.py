"""Celery's hand-off: thin tasks that call one domain function (the beat schedule is in
``servicedesk/celery.py``)."""

from celery import shared_task

from postmortems.action_items import remind_overdue


@shared_task
def remind_overdue_action_items() -> int:
    return remind_overdue()
