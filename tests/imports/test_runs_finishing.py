"""A run that finishes while the next run is checking the runs still marked running stays
finished, not interrupted: its lock is free by then, but its row says it ended
(``imports.runs.runs_interrupted``)."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from imports.models import ImportRun, RunStatus
from imports.runs import LOCK_SPACE, run_close, run_open, runs_interrupted

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def in_thread(work: Callable[[], object]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_for_a_lock_wait() -> None:
    """Until some backend of the test database waits on a row lock."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("nobody waited on a lock in ten seconds")


def advisory(function: str, run: ImportRun) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_SPACE, run.pk])


def test_a_run_finishing_while_the_next_one_checks_stays_finished() -> None:
    # A run that dies (checked first, by its id), and a run alive beside it.
    dead = ImportRun.objects.create(format="testlist", started_at=timezone.now())
    held, opened, may_close, may_release = (threading.Event() for _ in range(4))
    alive: list[ImportRun] = []

    def dying_run() -> None:
        advisory("pg_advisory_lock", dead)
        with transaction.atomic():
            # Someone (an admin's save, say) holds its row a moment.
            ImportRun.objects.select_for_update().get(pk=dead.pk)
            held.set()
            assert opened.wait(10)
            advisory("pg_advisory_unlock", dead)  # its process is gone now
            assert may_release.wait(10)

    def live_run() -> None:
        alive.append(run_open(format="testlist", started_at=timezone.now()))
        opened.set()
        assert may_close.wait(10)
        run = alive[0]
        run.status, run.finished_at = RunStatus.FINISHED, timezone.now()
        run_close(run)

    dying = in_thread(dying_run)
    assert held.wait(10)
    live = in_thread(live_run)
    assert opened.wait(10)
    time.sleep(0.2)
    # The next run checks: it takes the dead run's lock and waits to mark its row...
    checker = in_thread(runs_interrupted)
    wait_for_a_lock_wait()
    # ...while the live run finishes and lets its lock go.
    may_close.set()
    live.join(10)
    may_release.set()
    dying.join(10)
    checker.join(10)

    dead.refresh_from_db()
    run = ImportRun.objects.get(pk=alive[0].pk)
    assert dead.status == RunStatus.INTERRUPTED
    assert (run.status, run.error) == (RunStatus.FINISHED, "")
