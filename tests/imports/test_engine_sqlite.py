"""On SQLite (``make run``) the engine writes with plain INSERTs instead of COPY: the same
slice of the real log imports there, and a second run changes nothing."""

import sqlite3

from tests.imports.slices import manage, numbers_in, servicenow_slice
from tests.template_db import migrated_sqlite

ROWS = 2_000


def test_an_import_on_sqlite(data_dir, tmp_path):
    path = servicenow_slice(data_dir, tmp_path / "slice.csv", rows=ROWS)
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"

    def run(*args: str) -> str:
        process = manage(*args, database_url=url)
        out, err = process.communicate(timeout=540)
        assert process.returncode == 0, err.decode()
        return out.decode()

    migrated_sqlite(tmp_path / "desk.sqlite3")
    first = run("import_incidents", "--format", "servicenow", "--batch-size", "40", str(path))
    second = run("import_incidents", "--format", "servicenow", str(path))
    numbers = numbers_in(path)
    assert f"{len(numbers):,} created" in first
    assert f"0 created, 0 updated (new updates appended), {len(numbers):,} unchanged" in second
    with sqlite3.connect(tmp_path / "desk.sqlite3") as db:
        (incidents,) = db.execute("SELECT COUNT(*) FROM incidents_incident").fetchone()
        # Only the replayed rows: an open incident's rebuilt SLA clock saves it once more.
        (history,) = db.execute(
            "SELECT COUNT(*) FROM incidents_historicalincident"
            " WHERE history_change_reason LIKE 'Imported from servicenow, line %'"
        ).fetchone()
        (first_at,) = db.execute(
            "SELECT MIN(history_date) FROM incidents_historicalincident"
        ).fetchone()
    assert incidents == len(numbers)
    assert f"Rows: {ROWS:,} read; {history:,} imported" in first
    assert first_at.startswith("2016-02-29")  # the source's time, not today's
