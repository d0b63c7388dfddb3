"""Reading helpers every format shares: open a file plain or gzipped, stream its CSV rows
with their line numbers, parse a time in the zone the run was given, and ``Unmappable``,
the one exception a format turns into a ``Rejected`` row.

Nothing here holds more than one row: the files may be larger than memory.
"""

import csv
import gzip
import heapq
import io
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from imports.formats.base import Rejected

ISO = "iso"
"""The ``parse_time`` format for ISO 8601 text, with or without an offset."""

_GZIP_MAGIC = b"\x1f\x8b"


class Unmappable(Exception):
    """A source value we cannot map; ``reason`` is what the run's summary shows."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def rejected(self, path: Path | str, line: int, number: str) -> Rejected:
        return Rejected(path=str(path), line=line, number=number, reason=self.reason)


class WrongFile(ValueError):
    """The file is not what the format reads (its header differs): the whole run stops
    with this message rather than rejecting every row."""


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """``path`` as UTF-8 text, streaming, gunzipped when it is gzip (told by its first
    bytes, not its name), a byte order mark dropped. Newlines are left to the CSV reader
    (``newline=""``), so a quoted field keeps its own line breaks."""
    with path.open("rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    with (
        gzip.open(path, "rb") if gzipped else path.open("rb") as binary,
        io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text,
    ):
        yield text


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record: its values by column name and the 1-based line it starts on (the
    header is line 1; a quoted field holding a newline keeps the record on its first
    line)."""

    line: int
    values: dict[str, str]
    fault: str = ""
    """Why the record cannot be read as a row of this file ("" when it can): a record with
    more or fewer fields than the header, or a NUL character in one. ``values`` then holds
    what could be paired."""

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def read_header(path: Path) -> list[str]:
    """The file's header row (``[]`` for an empty file): how a format tells its files
    apart."""
    with open_text(path) as text:
        return next(csv.reader(text), [])


def csv_rows(path: Path, *, expected: Sequence[str] | None = None) -> Iterator[Row]:
    """Stream ``path``'s records as ``Row``s. With ``expected``, a header that differs
    (other names, order or count) raises ``WrongFile`` naming the first difference."""
    with open_text(path) as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            raise WrongFile(f"{path}: empty file, no header row")
        if expected is not None and list(expected) != header:
            raise WrongFile(f"{path}: {_header_difference(list(expected), header)}")
        width = len(header)
        line = reader.line_num + 1
        for fields in reader:
            # line_num counts physical lines read so far; the record began after the last one.
            start, line = line, reader.line_num + 1
            if not fields:
                continue  # a blank line is no record
            fault = ""
            if len(fields) != width:
                fault = f"{len(fields)} fields where the header has {width}"
            elif any("\x00" in value for value in fields):
                # PostgreSQL text cannot hold NUL: written, it would fail the whole batch.
                fault = "a NUL character (PostgreSQL text cannot hold one)"
            yield Row(start, dict(zip(header, fields, strict=False)), fault)


def sorted_runs(path: Path, key: str) -> list[tuple[int, int]]:
    """The file's records as runs ascending by ``key`` (string order): ``(start, stop)``
    record indexes, 0-based, stop exclusive. A file sorted by ``key`` is one run; a file
    that is several sorted files concatenated is as many runs. Reads the file once and
    keeps one pair per run."""
    runs: list[tuple[int, int]] = []
    start = count = 0
    previous: str | None = None
    with open_text(path) as text:
        reader = csv.reader(text)
        header = next(reader, [])
        column = header.index(key) if key in header else -1
        for fields in reader:
            if not fields:
                continue  # as csv_rows: a blank line is no record
            value = fields[column] if column >= 0 and column < len(fields) else ""
            if previous is not None and value < previous:
                runs.append((start, count))
                start = count
            previous = value
            count += 1
    if count:
        runs.append((start, count))
    return runs


MAX_RUNS = 64
"""More sorted runs than this and ``grouped_rows`` refuses the file: each run is one open
reader, and a file in no order at all would be read once per record."""


def grouped_rows(
    path: Path, key: str, *, expected: Sequence[str] | None = None
) -> Iterator[tuple[str, list[Row]]]:
    """Each ``key`` value with all its records, in ascending key order, each group's
    records in file order, whatever runs the file is made of (``sorted_runs``): a merge
    of one reader per run, so memory holds one group and one record per run, never the
    file. Costs one extra pass over the file to find the runs."""
    if expected is not None:
        next(csv_rows(path, expected=expected), None)  # the header check, before any work
    runs = sorted_runs(path, key)
    if len(runs) > MAX_RUNS:
        raise WrongFile(
            f"{path}: its records are in {len(runs)} runs of ascending {key!r} (at most "
            f"{MAX_RUNS}): sort the file by {key!r}"
        )
    readers = [itertools.islice(csv_rows(path), start, stop) for start, stop in runs]
    # heapq.merge is stable: equal keys come from the earlier run first, so file order.
    merged = heapq.merge(*readers, key=lambda row: row[key])
    for value, group in itertools.groupby(merged, key=lambda row: row[key]):
        yield value, list(group)


def _header_difference(expected: list[str], found: list[str]) -> str:
    for index, (want, got) in enumerate(zip(expected, found, strict=False), start=1):
        if want != got:
            return f"header column {index} is {got!r}, expected {want!r}"
    return f"header has {len(found)} columns, expected {len(expected)}: {expected}"


def parse_time(text: str, fmt: str, zone: ZoneInfo) -> datetime:
    """``text`` as an aware datetime. ``fmt`` is a ``strptime`` format or ``ISO``. A time
    that carries an offset keeps it; one without is local time in ``zone``.

    Local times the zone's clock skips (the spring-forward gap) do not exist: they raise
    ``Unmappable("nonexistent local time in <zone>")``. Local times it shows twice (the
    autumn fall-back hour) are ambiguous: we take the first occurrence (``fold=0``, the
    summer-time reading), as ``zoneinfo`` does by default, since a log written in order
    reaches the first one first.
    """
    value = text.strip()
    if not value:
        raise Unmappable("missing time")
    try:
        parsed = datetime.fromisoformat(value) if fmt == ISO else datetime.strptime(value, fmt)  # noqa: DTZ007 — the zone is attached below
    except ValueError:
        expected = "ISO 8601" if fmt == ISO else fmt
        raise Unmappable(f"unparsable time {value!r} (expected {expected})") from None
    if parsed.tzinfo is not None:
        return parsed
    local = parsed.replace(tzinfo=zone, fold=0)
    # A skipped wall time does not survive the round trip through UTC.
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != parsed:
        raise Unmappable(f"nonexistent local time in {zone.key}")
    return local
