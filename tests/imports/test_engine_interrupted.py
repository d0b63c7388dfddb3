"""A run killed from outside cannot say so itself: the next run finds that no process is
behind it any more and marks it interrupted, while a run still going beside it stays
running (``imports.runs``)."""

import signal
import time
from pathlib import Path

import pytest

from imports.engine import import_incidents
from imports.models import ImportRun
from tests.imports import slices
from tests.imports.cases import OPTIONS, ListFormat, closed_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def import_one(number: str) -> ImportRun:
    import_incidents(ListFormat([closed_case(number)]), [], options=OPTIONS)
    return ImportRun.objects.filter(format="testlist").latest("id")


def test_a_killed_run_shows_interrupted_after_the_next_run_and_a_live_one_stays_running(
    data_dir: Path, tmp_path: Path
) -> None:
    path = slices.servicenow_slice(data_dir, tmp_path / "slice.csv", rows=12_000)
    process = slices.manage(
        "import_incidents", "-v0", "--format", "servicenow", "--batch-size", "5", str(path),
        database_url=slices.the_tests_database_url(),
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not ImportRun.objects.filter(format="servicenow").exists():
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the import logged no run in two minutes"
        time.sleep(0.05)
    other = ImportRun.objects.get(format="servicenow")

    # Two imports at once: the one going on beside this one is alive, and stays running.
    assert import_one("INC0900001").status == "finished"
    assert process.poll() is None, "the slice's import ended too soon to be seen running"
    other.refresh_from_db()
    assert (other.status, other.finished_at, other.error) == ("running", None, "")

    process.send_signal(signal.SIGKILL)
    process.wait()
    other.refresh_from_db()
    assert other.status == "running"  # it never got to say otherwise

    # The server drops a killed run's lock once its connection is gone (at once, or within
    # a second for the reading process that shares it).
    deadline = time.monotonic() + 10
    for attempt in range(2, 100):
        later = import_one(f"INC09{attempt:05d}")
        other.refresh_from_db()
        if other.status != "running" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert later.status == "finished"
    assert other.status == "interrupted"
    assert other.finished_at is not None and later.finished_at is not None
    assert other.finished_at <= later.finished_at
    assert "process ended before it finished" in other.error
