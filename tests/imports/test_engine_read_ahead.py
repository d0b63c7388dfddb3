"""The format is read in a second process (``imports.readahead``): a file that turns out
bad halfway stops the run with the format's own error, after the batches before it
committed, and an import stopped by Ctrl-C stops its reader too; no reading process is
left behind either way. (Where an earlier test left a thread running, the engine reads
in-process instead, and the same must hold.)"""

import multiprocessing
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from imports.engine import import_incidents
from imports.formats.base import Case, ReadOptions, Rejected
from imports.formats.reading import WrongFile
from imports.models import ImportRun
from incidents.models import Incident
from tests.imports.cases import OPTIONS, ListFormat, closed_case

pytestmark = pytest.mark.django_db


class BadHalfway(ListFormat):
    """Its cases, then a header that is not this format's (a second file of another kind)."""

    def read(self, paths: Sequence[Path], options: ReadOptions) -> Iterator[Case | Rejected]:
        yield from self.items
        raise WrongFile("second.csv: header column 1 is 'SR Number', expected 'number'")


def test_a_file_bad_halfway_stops_the_run_with_the_formats_error_after_what_committed() -> None:
    cases = [closed_case(f"INC09{i:05d}", start=i) for i in range(5)]
    with pytest.raises(WrongFile, match="header column 1 is 'SR Number'"):
        import_incidents(BadHalfway(cases), [], options=OPTIONS, batch_size=2)
    # The whole batches read before the bad file are in (as reading in-process would
    # leave it); the open batch of one is not.
    assert Incident.objects.count() == 4
    run = ImportRun.objects.get()
    assert run.status == "failed" and run.error.startswith("WrongFile: second.csv")
    assert multiprocessing.active_children() == []


def test_ctrl_c_stops_the_import_and_its_reader() -> None:
    cases = [closed_case(f"INC09{i:05d}", start=i) for i in range(3000)]

    def interrupted(rows: int) -> None:
        raise KeyboardInterrupt  # what Ctrl-C raises in the engine's process mid-run

    with pytest.raises(KeyboardInterrupt):
        import_incidents(
            ListFormat(cases), [], options=OPTIONS, batch_size=10, progress=interrupted
        )
    assert Incident.objects.count() == 10  # the one batch that committed
    assert ImportRun.objects.get().status == "failed"
    assert multiprocessing.active_children() == []
