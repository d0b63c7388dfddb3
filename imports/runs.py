"""The import runs' log (``ImportRun``): a run is opened, then finished, failed or found
interrupted.

A run killed from outside (``SIGKILL``, a lost machine) cannot say so itself. On
PostgreSQL each run holds a session advisory lock keyed by its id for as long as it runs;
the server drops it when the run's connection goes, whatever killed the process. The next
run, on any machine, tries the lock of every run still marked running: one it can take has
no process behind it any more, and is marked interrupted. A run alive beside it (two
imports at once) keeps its lock and stays running. SQLite has no such lock: there a killed
run stays running."""

from django.db import connection, transaction
from django.utils import timezone

from imports.models import ImportRun, RunStatus

LOCK_SPACE = 15_001
"""The first key of the advisory locks (the second is the run's id): the import's own."""


def run_open(**fields: object) -> ImportRun:
    """A new run, marked running, its lock held before anyone can see it; older runs whose
    process is gone are marked interrupted first."""
    runs_interrupted()
    with transaction.atomic():
        run = ImportRun.objects.create(status=RunStatus.RUNNING, **fields)
        # Taken before the row commits: a run seen running always has its lock held.
        _lock("pg_advisory_lock", run.pk)
    return run


def run_close(run: ImportRun) -> None:
    """Save ``run``'s final state and let its lock go."""
    run.save()
    _lock("pg_advisory_unlock", run.pk)


def runs_interrupted() -> int:
    """Mark the runs still running with no process behind them interrupted; how many."""
    if connection.vendor != "postgresql":
        return 0
    marked = 0
    running = ImportRun.objects.filter(status=RunStatus.RUNNING)
    for run_id in running.order_by("id").values_list("id", flat=True):
        if not _lock("pg_try_advisory_lock", run_id):
            continue  # its run holds it: alive
        # Still running now that its lock is free? A run that finished since the list was
        # read let its lock go after saving its end, which must stand: hence one
        # conditional UPDATE (the run log keeps no history rows, so none is skipped).
        marked += running.filter(pk=run_id).update(
            status=RunStatus.INTERRUPTED,
            finished_at=timezone.now(),
            error="Interrupted: the run's process ended before it finished (killed?).",
        )
        _lock("pg_advisory_unlock", run_id)
    return marked


def _lock(function: str, run_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_SPACE, run_id])  # nosec B608
        (result,) = cursor.fetchone()
    return result is not False
