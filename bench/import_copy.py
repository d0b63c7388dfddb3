"""Benchmark: importing the real ServiceNow log against PostgreSQL's own ``COPY`` of it,
and against the floor: ``COPY`` of the import's own output rows.

In one run, interleaved, ``--rounds`` rounds of:

(a) **COPY**: the 141,712 rows of ``../shared/data/servicenow_incident_event_log.csv.gz``
    (36 columns, all ``text``), decompressed as they stream, into a plain table (logged, not
    ``UNLOGGED``, no index) of a fresh database: ``COPY ... FROM STDIN (FORMAT csv)``;
(b) **import**: the same file through ``import_incidents --format servicenow`` (the engine,
    in this process, as the command calls it) into a freshly migrated database, copied from
    a template migrated once before the first round: only the import is timed;
(c) **floor**: the rows the first round's import wrote to its output tables (incidents,
    their history and timeline, the imported keys, the problem and change links and events:
    ``OUTPUT``), captured once with ``COPY ... TO STDOUT (FORMAT binary)``, ``COPY``'d back
    into the same tables of another copy of the migrated template, in one transaction,
    commit included (the deferred foreign-key checks run there). Untimed before it: every
    other row the import wrote that those rows point at (people, teams, categories,
    problems, changes, their history...) is restored, so the tables, their indexes, their
    constraints and the lookup rows are those the import met. Rows the import writes that
    point at an incident from outside ``OUTPUT`` (SLA clocks of open incidents, a handful)
    are left out. The floor is what no implementation of the import can beat on this
    schema: the rows are already made, no Python runs per row.

Prints rows/s for each (the median of the rounds, counted in the log's 141,712 rows), the
import's ratio to COPY (the issue's bar: >= 25 %), the floor's ratio to COPY (the best any
import could reach), the import's ratio to the floor (how close this one comes), the SQL
statements per batch (Django's, counted on an untimed run of the first 5,000 rows, plus
the ``COPY`` statements, which psycopg's own cursor runs), and writes
``bench/results/import-copy-<time>.json``.

    .venv/bin/python bench/import_copy.py                  # 3 rounds
    .venv/bin/python bench/import_copy.py --rounds 1 --profile   # where the import's time goes
"""

import argparse
import cProfile
import gzip
import json
import os
import pstats
import shutil
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
TEMPLATE, IMPORT_DB, COPY_DB, FLOOR_DB = (
    "servicedesk_bench_import_template",
    "servicedesk_bench_import",
    "servicedesk_bench_copy",
    "servicedesk_bench_floor",
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

from changes.models import ChangeIncident, ChangeTimelineEntry  # noqa: E402
from imports.engine import import_incidents  # noqa: E402
from imports.formats import FORMATS  # noqa: E402
from imports.formats.base import ReadOptions  # noqa: E402
from imports.models import ImportedIncident  # noqa: E402
from incidents.models import Incident, IncidentTimelineEntry  # noqa: E402
from problems.models import ProblemIncident, ProblemTimelineEntry  # noqa: E402

ROWS = 141_712
# The tables the engine's write path (``imports.bulk.write_rows``) fills: the floor's rows.
OUTPUT = tuple(
    model._meta.db_table
    for model in (
        Incident, Incident.history.model, IncidentTimelineEntry, ImportedIncident,
        ProblemIncident, ProblemTimelineEntry, ChangeIncident, ChangeTimelineEntry,
    )
)  # fmt: skip
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
        profiler.dump_stats(ROOT / "var" / "import-copy.pstats")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    seconds = time.perf_counter() - started
    assert summary.rows == ROWS, summary
    assert summary.accounted(), summary
    figures = {
        "cases": summary.cases, "created": summary.created, "rows": summary.rows,
        "updates_imported": summary.updates_imported, "rejected": len(summary.rejected),
        "batches": summary.batches,
    }  # fmt: skip
    return seconds, figures


def _counts(db: psycopg.Connection) -> dict[str, int]:
    tables = db.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return {
        name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # type: ignore[index]  # nosec B608
        for (name,) in tables
    }


def capture(into: Path) -> dict[str, int]:
    """After the first import: every table it added rows to, whole, as binary ``COPY``
    files under ``into`` (``OUTPUT`` for the timed part, the rest to restore untimed).
    Returns the output tables' row counts."""
    connection.close()
    into.mkdir(parents=True, exist_ok=True)
    with (
        psycopg.connect(f"{SERVER}/{TEMPLATE}") as template,
        psycopg.connect(f"{SERVER}/{IMPORT_DB}") as db,
    ):
        before, after = _counts(template), _counts(db)
        # A table that points at an output table from outside it (SLA clocks): not restored
        # before the output exists, and not part of the floor.
        pointing = {
            name
            for (name,) in db.execute(
                "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint "
                "WHERE contype = 'f' AND confrelid::regclass::text = ANY(%s)",
                [list(OUTPUT)],
            )
        }
        written = {}
        for name, count in after.items():
            if count == before.get(name, 0) or (name in pointing and name not in OUTPUT):
                continue
            if name == "imports_importrun":
                continue  # the run's own log: points at nothing the output needs
            with (
                (into / f"{name}.copy").open("wb") as out,
                db.cursor().copy(f'COPY "{name}" TO STDOUT (FORMAT binary)') as copy,
            ):
                for chunk in copy:
                    out.write(chunk)
            written[name] = count
    return {name: written[name] for name in OUTPUT if name in written}


def _copy_in(db: psycopg.Connection, name: str, source: Path) -> None:
    with (
        source.open("rb") as data,
        db.cursor().copy(f'COPY "{name}" FROM STDIN (FORMAT binary)') as copy,
    ):
        while chunk := data.read(1 << 16):
            copy.write(chunk)


def floor_round(captured: Path) -> float:
    recreate(FLOOR_DB, TEMPLATE)
    files = {path.stem: path for path in captured.glob("*.copy")}
    with psycopg.connect(f"{SERVER}/{FLOOR_DB}") as db:
        # Untimed: the rows the output points at, as the import left them (the template's
        # own rows of those tables are among them, so the table is emptied first; the
        # replica role skips foreign-key triggers while the tables are half restored).
        db.execute("SET session_replication_role = replica")
        for name, path in files.items():
            if name not in OUTPUT:
                db.execute(f'DELETE FROM "{name}"')  # nosec B608
                _copy_in(db, name, path)
        db.execute("SET session_replication_role = DEFAULT")
        db.commit()
        db.execute("ANALYZE")
        db.commit()
        started = time.perf_counter()
        for name in OUTPUT:
            if name in files:
                _copy_in(db, name, files[name])
        db.commit()
        return time.perf_counter() - started


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
    floors: list[float] = []
    figures: dict[str, int] = {}
    output: dict[str, int] = {}
    captured = ROOT / "var" / "import-copy-floor"
    for round_ in range(args.rounds):
        # Alternate the order, so drift in the machine's speed hits all alike (the floor
        # needs the first import's rows, so round 1 runs it last).
        order = ("copy", "import", "floor") if round_ % 2 == 0 else ("floor", "import", "copy")
        for what in order:
            if what == "copy":
                copies.append(copy_round())
            elif what == "import":
                seconds, figures = import_round(args.profile)
                imports.append(seconds)
                if not output:
                    output = capture(captured)
            else:
                floors.append(floor_round(captured))
        print(
            f"round {round_ + 1}: COPY {copies[-1]:.2f} s, import {imports[-1]:.1f} s, "
            f"floor {floors[-1]:.1f} s"
        )
    shutil.rmtree(captured)
    per_batch = statements_per_batch(ROOT / "var")
    copy_s, import_s, floor_s = (statistics.median(t) for t in (copies, imports, floors))
    ratio = copy_s / import_s
    print(
        f"COPY into a plain table:  {ROWS / copy_s:,.0f} rows/s, {copy_s:.2f} s "
        f"(medians of {len(copies)} rounds)"
    )
    print(f"import_incidents:         {ROWS / import_s:,.0f} rows/s, {import_s:.2f} s")
    print(f"floor (COPY of its rows): {ROWS / floor_s:,.0f} rows/s, {floor_s:.2f} s: {output}")
    print(f"import: {ratio:.1%} of COPY (the issue's bar: 25 %)")
    print(f"floor:  {copy_s / floor_s:.1%} of COPY (the best any import could reach)")
    print(f"import: {floor_s / import_s:.1%} of the floor")
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
                "import_seconds": imports, "floor_seconds": floors,
                "copy_rows_per_s": ROWS / copy_s, "import_rows_per_s": ROWS / import_s,
                "floor_rows_per_s": ROWS / floor_s, "ratio": ratio,
                "floor_ratio": copy_s / floor_s, "import_to_floor": floor_s / import_s,
                "floor_rows": output, "statements_per_batch": per_batch, "import": figures,
            },
            indent=2,
        )
        + "\n"
    )  # fmt: skip
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
