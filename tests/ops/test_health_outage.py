"""/health/ follows PostgreSQL: 503 within 5 s of the server stopping, 200 again once it is
back, without restarting the web server. A private cluster (initdb into a temporary
directory, its own port) with the test database's schema, and a real server process
(``manage.py runserver --noreload``) pointed at it."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Debian's server programs, the newest installed (15 on bookworm).
PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"),
    key=lambda p: int(p.parent.name),
    default=Path("/usr/lib/postgresql/15/bin"),
)
PORTS = range(20710, 20740)  # this suite's own range


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS}")


def as_postgres(*command: str) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Cluster:
    def __init__(self, root: Path) -> None:
        self.data = root / "data"
        self.port = free_port()
        self.root = root

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-s", *args),
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.root / "log"), "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "immediate", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL's server programs are needed in {PG_BIN}")
    # Not under pytest's tmp_path: its parents are private to root, and the server runs
    # as postgres.
    root = Path(tempfile.mkdtemp(prefix="servicedesk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    cluster = Cluster(root)
    subprocess.run(
        as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ),
        check=True,
        timeout=120,
        capture_output=True,
    )
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run(
            as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "-s", "stop"
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def copy_schema(cluster: Cluster) -> None:
    """The test database's tables (migrated by pytest-django), no rows."""
    db = connection.settings_dict
    dump = subprocess.run(
        [
            str(PG_BIN / "pg_dump"),
            "--schema-only",
            "--no-owner",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            db["NAME"],
        ],
        env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
        check=True,
        capture_output=True,
        timeout=60,
    )
    subprocess.run(
        [
            str(PG_BIN / "psql"),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
        ],
        input=dump.stdout,
        check=True,
        capture_output=True,
        timeout=60,
    )


def health(port: int) -> tuple[int, float]:
    started = time.monotonic()
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/health/?format=json", timeout=10)
    except httpx.HTTPError:
        return 0, time.monotonic() - started
    return response.status_code, time.monotonic() - started


def wait_for(port: int, status: int, within: float) -> float:
    """Seconds until /health/ answers ``status``; fails after ``within``."""
    started = time.monotonic()
    seen: list[tuple[int, float]] = []
    while (elapsed := time.monotonic() - started) < within:
        seen.append(health(port))
        if seen[-1][0] == status:
            return elapsed
        time.sleep(0.2)
    pytest.fail(f"/health/ did not answer {status} within {within} s: {seen[-5:]}")


@pytest.mark.postgres
@pytest.mark.django_db
def test_health_turns_503_when_postgres_stops_and_200_when_it_is_back(cluster):
    copy_schema(cluster)
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/postgres",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, 200, within=30)

        cluster.stop()
        took = wait_for(port, 503, within=5)
        status, seconds = health(port)
        assert status == 503
        assert seconds < 2, "a stopped database must not hold the probe"

        cluster.start()
        wait_for(port, 200, within=10)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"/health/ answered 503 {took:.2f} s after PostgreSQL stopped")
