"""An interrupted run resumes: a process killed in the middle of an import loses at most
its open batch (each batch is one transaction), and the next run skips what committed and
imports the rest, every row once."""

import signal
import time

import pytest

from imports.engine import import_incidents
from imports.formats import FORMATS
from imports.models import ImportedIncident, ImportRun
from incidents.models import Incident, IncidentTimelineEntry
from tests.imports.cases import OPTIONS
from tests.imports.slices import manage, numbers_in, servicenow_slice, the_tests_database_url

pytestmark = pytest.mark.django_db(transaction=True)
BATCH = 5


def test_a_killed_import_resumes_where_it_stopped(data_dir, tmp_path):
    path = servicenow_slice(data_dir, tmp_path / "slice.csv", rows=12_000)
    numbers = numbers_in(path)
    process = manage(
        "import_incidents", "-v0", "--format", "servicenow", "--batch-size", str(BATCH), str(path),
        database_url=the_tests_database_url(),
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while ImportedIncident.objects.count() < 3 * BATCH:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the import committed nothing in two minutes"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    committed = ImportedIncident.objects.count()
    assert 0 < committed < len(numbers)
    # Whole batches only: every committed incident has all its rows, and nothing else is there.
    assert committed % BATCH == 0
    assert Incident.objects.count() == committed
    assert ImportRun.objects.get().status == "running"  # it never got to say otherwise

    summary = import_incidents(FORMATS["servicenow"](), [path], options=OPTIONS, batch_size=50)
    assert summary.unchanged == committed
    assert summary.created == len(numbers) - committed
    assert summary.accounted() and summary.rows == 12_000
    assert Incident.objects.count() == len(numbers)
    imported_rows = 12_000 - len(summary.rejected)
    assert Incident.history.model.objects.count() == imported_rows
    replayed = IncidentTimelineEntry.objects.exclude(
        verb__in=("problem_linked", "caused_by_change")
    )
    assert replayed.count() == imported_rows
    assert summary.updates_already + summary.updates_imported == imported_rows
