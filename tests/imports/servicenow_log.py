"""The real ServiceNow log read with plain ``csv``, never with the product's code: what the
format's and the engine's tests compare against. Slices of it are written to a test's
``tmp_path`` (never into the repository). Everything streams: the log is 141,712 rows."""

import csv
import gzip
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
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


MINUS_100 = "state -100 (undocumented in the source)"
OPEN_STATES = {
    "New",
    "Active",
    "Awaiting User Info",
    "Awaiting Problem",
    "Awaiting Vendor",
    "Awaiting Evidence",
}


def kept_and_rejected(number: str, rows: Rows) -> tuple[Rows, dict[int, tuple[str, str]]]:
    """One incident's rows to import, in order (``sys_mod_count``, then time), and those
    to leave out ({line: (number, reason)}): every ``-100`` row and, of rows sharing a
    ``sys_mod_count``, all but the last in the file."""
    rejected: dict[int, tuple[str, str]] = {}
    valid = []
    for line, record in rows:
        if record["incident_state"] == "-100":
            rejected[line] = (number, MINUS_100)
        else:
            valid.append((line, record))
    last_line = {int(record["sys_mod_count"]): line for line, record in valid}
    kept = []
    for line, record in valid:
        sequence = int(record["sys_mod_count"])
        if last_line[sequence] == line:
            kept.append((line, record))
        else:
            reason = f"duplicate sequence {sequence} (line {last_line[sequence]} has it too)"
            rejected[line] = (number, reason)
    kept.sort(key=lambda item: (int(item[1]["sys_mod_count"]), _time(item[1]["sys_updated_at"])))
    return kept, rejected


def counted(kept: Rows) -> dict[str, int]:
    """Reassignments and reopens counted from the rows, by docs/import.md's rules: an
    update that moved the incident to another group once one was set; a move from
    Resolved or Closed back to an open state."""
    reassignments = reopens = 0
    before: tuple[str, str, str] | None = None
    for _, record in kept:
        now = (
            _id(record["assignment_group"]),
            _id(record["assigned_to"]),
            record["incident_state"],
        )
        if before is not None:
            if before[0] and now[0] != before[0]:
                reassignments += 1
            if before[2] in ("Resolved", "Closed") and now[2] in OPEN_STATES:
                reopens += 1
        before = now
    return {"reassignments": reassignments, "reopens": reopens}


def _id(text: str) -> str:
    return "" if text == "?" else " ".join(text.split())


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")
