"""Run the beat schedule in this process, for the embedded default (`make run`): with no
broker there is no beat and no worker, so this loop runs each periodic task itself at its
interval (the outbox relay, escalations, auto-close). With a broker, run Celery beat."""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from servicedesk.celery import app

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the Celery beat schedule in-process (no broker needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every task once, exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        app.loader.import_default_modules()  # autodiscovery is lazy outside a worker
        # Celery logs every task that succeeds at INFO: with the relay every 2 s that would
        # bury the dev server's own log. Failures are still logged (WARNING and up).
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        app.finalize()
        schedule: dict[str, dict[str, Any]] = dict(app.conf.beat_schedule)
        next_run = dict.fromkeys(schedule, 0.0)
        while True:
            now = time.monotonic()
            for name, entry in schedule.items():
                if now < next_run[name]:
                    continue
                next_run[name] = now + float(entry["schedule"])
                try:
                    app.tasks[entry["task"]].apply()
                except Exception:  # one failing job must not stop the others
                    logger.exception("Periodic task %s failed", name)
            if once:
                return
            time.sleep(1.0)
