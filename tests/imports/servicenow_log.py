"""The real ServiceNow log read with plain ``csv``, never with the product's code: what the
format's and the engine's tests compare against. Slices of it are written to a test's
``tmp_path`` (never into the repository). Everything streams: the log is 141,712 rows."""

import csv
import gzip
import io
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from pathlib import Path

LOG = "servicenow_incident_event_log.csv.gz"

Record = dict[str, str]
Rows = list[tuple[int, Record]]


def log_path(data_dir: Path) -> Path:
    path = data_dir / LOG
    assert path.is_file(), f"the ServiceNow log is missing: {path}"
    return path


def header(data_dir: Path) -> list[str]:
    with gzip.open(log_path(data_dir), "rt", encoding="utf-8", newline="") as text:
        return next(csv.reader(text))


def records(data_dir: Path) -> Iterator[tuple[int, Record]]:
    """Every record with its line (the header is line 1)."""
    with gzip.open(log_path(data_dir), "rt", encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        names = next(reader)
        for line, fields in enumerate(reader, start=2):
            yield line, dict(zip(names, fields, strict=True))


def cases(data_dir: Path) -> Iterator[tuple[str, Rows]]:
    """Each incident's records, in file order (the log keeps an incident's rows together:
    a test checks that too)."""
    for number, group in groupby(records(data_dir), key=lambda item: item[1]["number"]):
        yield number, list(group)


def first_cases_where(data_dir: Path, **tests: Callable[[list[Record]], bool]) -> dict[str, Rows]:
    """For each named test, the first incident (file order) whose records pass it."""
    found: dict[str, Rows] = {}
    for _number, rows in cases(data_dir):
        plain = [record for _, record in rows]
        for name, test in tests.items():
            if name not in found and test(plain):
                found[name] = rows
        if len(found) == len(tests):
            return found
    missing = sorted(set(tests) - set(found))
    raise AssertionError(f"no incident of the log passes {missing}")


def write_slice(path: Path, names: list[str], rows: Iterable[Record], *, gz: bool = False) -> Path:
    """A file of the log's format holding ``rows`` in the order given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([record[column] for column in names] for record in rows)
    data = out.getvalue().encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path
