"""/health/ follows PostgreSQL: 503 within 5 s of the server stopping, 200 again once it is
back, without restarting the web server. A private cluster (``private_postgres``) with a
copy of the test database, and a real server process (``manage.py runserver --noreload``)
pointed at it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.services import copy_test_database, free_port

ROOT = Path(__file__).resolve().parents[2]


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
def test_health_turns_503_when_postgres_stops_and_200_when_it_is_back(private_postgres):
    cluster = private_postgres
    copy_test_database(cluster)
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": cluster.url(),
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

        cluster.stop("immediate")
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
