"""Real services a test runs for itself: a free loopback port, and a PostgreSQL cluster of
its own (for outages: the test may stop and start it at will, never the shared server)."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

# Debian's server binaries (postgresql-15 today), the newest installed.
PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin/initdb"),
    key=lambda path: int(path.parent.parent.name),
    default=Path("/usr/lib/postgresql/15/bin/initdb"),
).parent


def stop_process_group(process: "subprocess.Popen[bytes] | None") -> None:
    """Stop a server started in a process group of its own: SIGTERM, then SIGKILL after
    10 s, so no child outlives the test."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def free_port() -> int:
    """A free loopback port; from ``TEST_PORT_RANGE`` ("20100-20199") when set, for
    machines where several runs must keep to ranges of their own."""
    low, _, high = os.environ.get("TEST_PORT_RANGE", "0-0").partition("-")
    for port in range(int(low), int(high) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    pytest.fail(f"no free port in TEST_PORT_RANGE={os.environ['TEST_PORT_RANGE']}")


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory, trust auth, on its own port. initdb
    and the server refuse to run as root: as root they run as the ``postgres`` user."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.data = root / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *command: str) -> None:
        done = subprocess.run(
            [*self.as_postgres, *command], capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, f"{command[0]}: {done.stdout}{done.stderr}"

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres")
        self.run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )
        self.run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, name: str = "servicedesk") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@contextmanager
def running_private_postgres() -> Iterator[PrivatePostgres]:
    """Started and, at the end, stopped and removed (the ``private_postgres`` fixture)."""
    root = Path(tempfile.mkdtemp(prefix="outage-pg-"))
    cluster = PrivatePostgres(root, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        subprocess.run(
            [*cluster.as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(cluster.data), "-m",
             "immediate", "stop"],
            capture_output=True, timeout=30, check=False,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def copy_test_database(cluster: PrivatePostgres) -> None:
    """The test database (migrated, with the test's users) into the private cluster."""
    db = settings.DATABASES["default"]
    source = (
        f"postgres://{db['USER'] or 'postgres'}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        connection.execute("CREATE DATABASE servicedesk")
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", source],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    restore = subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", cluster.url()],
        input=dump.stdout, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr.decode()[-2000:]
