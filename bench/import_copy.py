"""Benchmark: importing the real ServiceNow log against PostgreSQL's own ``COPY`` of it.

In one run, interleaved, ``--rounds`` rounds of:

(a) **COPY**: the 141,712 rows of ``../shared/data/servicenow_incident_event_log.csv.gz``
    (36 columns, all ``text``), decompressed as they stream, into a plain table (logged, not
    ``UNLOGGED``, no index) of a fresh database: ``COPY ... FROM STDIN (FORMAT csv)``;
(b) **import**: the same file through ``import_incidents --format servicenow`` (the engine,
    in this process, as the command calls it) into a freshly migrated database, copied from
    a template migrated once before the first round: only the import is timed.

Prints rows/s for both (the median of the rounds), their ratio (the issue's bar: the import
at >= 25 % of COPY), the SQL statements per batch (Django's, counted on an untimed run of
the first 5,000 rows, plus the ``COPY`` statements, which psycopg's own cursor runs), and
writes ``bench/results/import-copy-<time>.json``.

    .venv/bin/python bench/import_copy.py                  # 3 rounds
    .venv/bin/python bench/import_copy.py --rounds 1 --profile   # where the import's time goes
"""

import argparse
import cProfile
import gzip
import json
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("SERVICEDESK_DATA_DIR") or ROOT.parent / "shared" / "data")
LOG = DATA / "servicenow_incident_event_log.csv.gz"
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
TEMPLATE, IMPORT_DB, COPY_DB = (
    "servicedesk_bench_import_template",
    "servicedesk_bench_import",
    "servicedesk_bench_copy",
)
os.environ["DATABASE_URL"] = f"{SERVER}/{IMPORT_DB}"
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

import django  # noqa: E402
import psycopg  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from imports.engine import import_incidents  # noqa: E402
from imports.formats import FORMATS  # noqa: E402
from imports.formats.base import ReadOptions  # noqa: E402

ROWS = 141_712
OPTIONS = ReadOptions(time_zone=__import__("zoneinfo").ZoneInfo("UTC"))


def admin() -> psycopg.Connection:
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def recreate(name: str, template: str | None = None) -> None:
    connection.close()
    with admin() as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def migrated_template() -> None:
    """Migrate once; every round's import database is a copy of it."""
    recreate(TEMPLATE)
    connection.settings_dict["NAME"] = TEMPLATE
    call_command("migrate", verbosity=0)
    connection.close()
    connection.settings_dict["NAME"] = IMPORT_DB


def copy_round() -> float:
    recreate(COPY_DB)
    with gzip.open(LOG, "rb") as raw:
        header = raw.readline().decode().strip().split(",")
    columns = ", ".join(f'"{name}" text' for name in header)
    with psycopg.connect(f"{SERVER}/{COPY_DB}") as db:
        db.execute(f"CREATE TABLE servicenow_log ({columns})")
        db.commit()
        started = time.perf_counter()
        statement = "COPY servicenow_log FROM STDIN (FORMAT csv, HEADER true)"
        with db.cursor() as cursor, gzip.open(LOG, "rb") as raw, cursor.copy(statement) as copy:
            while chunk := raw.read(1 << 16):
                copy.write(chunk)
        db.commit()
        seconds = time.perf_counter() - started
        (count,) = db.execute("SELECT count(*) FROM servicenow_log").fetchone()  # type: ignore[misc]
    assert count == ROWS, count
    return seconds


def import_round(profile: bool) -> tuple[float, dict[str, int]]:
    recreate(IMPORT_DB, TEMPLATE)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    summary = import_incidents(FORMATS["servicenow"](), [LOG], options=OPTIONS)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    seconds = time.perf_counter() - started
    assert summary.rows == ROWS, summary
    assert summary.accounted(), summary
    figures = {
        "cases": summary.cases, "created": summary.created, "rows": summary.rows,
        "updates_imported": summary.updates_imported, "rejected": len(summary.rejected),
        "batches": summary.batches,
    }  # fmt: skip
    return seconds, figures


def statements_per_batch(tmp: Path) -> float:
    """Statements per batch of 500 cases, on an untimed import of the first 5,000 rows
    into a fresh database: those Django logs, plus the ``COPY``s it does not see."""
    recreate(IMPORT_DB, TEMPLATE)
    part = tmp / "servicenow-5000.csv"
    with gzip.open(LOG, "rt", encoding="utf-8") as text:
        part.write_text("".join(next(text) for _ in range(5001)), encoding="utf-8")
    with CaptureQueriesContext(connection) as queries:
        summary = import_incidents(FORMATS["servicenow"](), [part], options=OPTIONS)
    part.unlink()
    copies = 8 * summary.batches  # the COPY statements bypass the capture (psycopg's own cursor)
    return (len(queries) + copies) / summary.batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    assert LOG.is_file(), f"the ServiceNow log is missing: {LOG}"
    print(f"PostgreSQL at {urlsplit(SERVER).hostname}; {LOG.name}, {ROWS:,} rows")
    migrated_template()
    copies: list[float] = []
    imports: list[float] = []
    figures: dict[str, int] = {}
    for round_ in range(args.rounds):
        # Alternate which goes first, so drift in the machine's speed hits both alike.
        order = ("copy", "import") if round_ % 2 == 0 else ("import", "copy")
        for what in order:
            if what == "copy":
                copies.append(copy_round())
            else:
                seconds, figures = import_round(args.profile)
                imports.append(seconds)
        print(
            f"round {round_ + 1}: COPY {ROWS / copies[-1]:,.0f} rows/s ({copies[-1]:.2f} s), "
            f"import {ROWS / imports[-1]:,.0f} rows/s ({imports[-1]:.1f} s)"
        )
    per_batch = statements_per_batch(ROOT / "var")
    copy_rate = ROWS / statistics.median(copies)
    import_rate = ROWS / statistics.median(imports)
    ratio = import_rate / copy_rate
    print(f"COPY into a plain table: {copy_rate:,.0f} rows/s (median of {len(copies)})")
    print(f"import_incidents:        {import_rate:,.0f} rows/s (median of {len(imports)})")
    print(f"ratio: {ratio:.1%} of COPY (the issue's bar: 25 %)")
    print(f"SQL statements per batch of 500 cases: {per_batch:.1f}")
    print(f"import: {figures}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = results / f"import-copy-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "rows": ROWS, "rounds": args.rounds, "copy_seconds": copies,
                "import_seconds": imports, "copy_rows_per_s": copy_rate,
                "import_rows_per_s": import_rate, "ratio": ratio,
                "statements_per_batch": per_batch, "import": figures,
            },
            indent=2,
        )
        + "\n"
    )  # fmt: skip
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
