"""The first rows of the real ServiceNow log, written to a test's own folder (never into
the repository), and how to run ``manage.py`` on them in a separate process."""

import gzip
import os
import subprocess  # nosec B404: the tests run our own manage.py
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

LOG = "servicenow_incident_event_log.csv.gz"


def servicenow_slice(data_dir: Path, target: Path, rows: int) -> Path:
    """The header and the first ``rows`` rows of the log, as a plain CSV file."""
    source = data_dir / LOG
    assert source.is_file(), f"the ServiceNow log is missing: {source}"
    with gzip.open(source, "rt", encoding="utf-8", newline="") as text:
        lines = [next(text) for _ in range(rows + 1)]
    target.write_text("".join(lines), encoding="utf-8")
    return target


def numbers_in(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as text:
        next(text)
        return {line.split(",", 1)[0] for line in text}


def the_tests_database_url() -> str:
    """The database the tests run on, for another process."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def manage(*args: str, database_url: str, **popen: object) -> "subprocess.Popen[bytes]":
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    return subprocess.Popen(  # nosec B603: our manage.py, fixed arguments
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,  # type: ignore[arg-type]
    )
