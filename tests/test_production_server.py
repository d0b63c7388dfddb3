"""The production server as shipped (deploy/serve.py: nginx in front of gunicorn, DEBUG off,
on the PostgreSQL test database) keeps answering while 50 clients trickle request bodies at
one byte a second: nginx holds them, the two workers never see them. Under bare gunicorn two
such clients stop the whole server. It also serves the admin's CSS with DEBUG off, and stops
cleanly on SIGTERM. Figures are printed (pytest -s) for docs/operations.md.

The attack lasts 15 s (30 s until the suite outgrew its time budget), which proves the
same: bare gunicorn stalls from the first second the two slow bodies occupy its workers,
and the GETs give up after 15 s, so a stall shows as failures or a p50 far above the
baseline either way; nginx's timeouts (30 s) only ever cut a client that sends nothing."""

import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import token_for
from tests.services import free_port

ROOT = Path(__file__).resolve().parent.parent
SLOW_CLIENTS = 50
ATTACK_SECONDS = 15
# The load balancer the test plays: its X-Forwarded-Proto is believed (TRUSTED_PROXIES).
HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
METRICS_TOKEN = secrets.token_urlsafe(20)


def database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("The production server test needs PostgreSQL (DATABASE_URL=postgres://...)")
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    user = db["USER"] or "postgres"
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CACHE_URL"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        STATIC_ROOT=str(tmp_path / "static"),
        TRUSTED_PROXIES="127.0.0.1",
        EMAIL_URL="smtp://127.0.0.1:1",
        METRICS_TOKEN=METRICS_TOKEN,
    )
    return env


def wait_until_up(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"deploy/serve.py exited with {server.returncode} while starting")
        try:
            status, _ = get(port, "/static/admin/css/base.css")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("deploy/serve.py did not answer within 60 s")


def get(port: int, path: str, token: str = "", scheme: str = "Token") -> tuple[int, bytes]:
    """One request on a new connection, as a separate client would make it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = dict(HEADERS)
    if token:
        headers["Authorization"] = f"{scheme} {token}"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def timed_gets(port: int, token: str, seconds: float) -> tuple[list[float], list[str]]:
    """GET the incident list every 100 ms for ``seconds``: latencies and failures.

    Paced, not flat out: the point is how long one ordinary request waits, and the user's
    throttle (600/min per worker) must not be what answers."""
    latencies: list[float] = []
    failures: list[str] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        try:
            status, body = get(port, "/api/v1/incidents/", token)
        except OSError as error:
            failures.append(repr(error))
        else:
            if status == 200 and body.startswith(b"{"):
                latencies.append(time.perf_counter() - started)
            else:
                failures.append(f"{status}: {body[:200]!r}")
        time.sleep(0.1)
    return latencies, failures


class SlowClients:
    """``count`` connections, each sending a POST body one byte a second."""

    def __init__(self, port: int, count: int, seconds: float) -> None:
        self.port, self.count, self.seconds = port, count, seconds
        self.bytes_sent = 0
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        sockets = []
        head = (
            b"POST /api/v1/incidents/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"X-Forwarded-Proto: https\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n"
        )
        for _ in range(self.count):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(head)
            sockets.append(sock)
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            for sock in sockets:
                try:
                    sock.sendall(b"{")
                    self.bytes_sent += 1
                except OSError as error:
                    self.errors.append(repr(error))
            time.sleep(1)
        for sock in sockets:
            sock.close()


@pytest.fixture
def server(tmp_path, django_db_setup):
    env = production_env(tmp_path)
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert collect.returncode == 0, collect.stderr
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "deploy/serve.py",
            "--app",
            "servicedesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(process, port)
        yield process, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.django_db(transaction=True)
def test_slow_clients_do_not_stall_the_server(server, make_incident, agent):
    process, port = server
    for _ in range(5):
        make_incident()
    token = token_for(agent)

    status, css = get(port, "/static/admin/css/base.css")
    assert status == 200 and b"body" in css, "the admin CSS is served with DEBUG off"

    for _ in range(6):  # warm both workers: imports, database connections
        get(port, "/api/v1/incidents/", token)
    baseline, failures = timed_gets(port, token, 3)
    assert not failures, failures

    # /metrics adds up both workers' request timings (prometheus_client's multiprocess
    # mode, set up by deploy/serve.py), whichever worker answers the scrape.
    status, metrics = get(port, "/metrics", METRICS_TOKEN, scheme="Bearer")
    assert status == 200
    timed = sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.decode().splitlines()
        if line.startswith("servicedesk_http_request_duration_seconds_count{")
        and 'route="incident-list"' in line
    )
    assert timed == 6 + len(baseline)

    attack = SlowClients(port, SLOW_CLIENTS, ATTACK_SECONDS)
    attack.thread.start()
    time.sleep(2)  # every slow client connected and sending
    under_attack, failures = timed_gets(port, token, ATTACK_SECONDS - 5)
    attack.thread.join()

    baseline_p50 = statistics.median(baseline) * 1000
    attack_p50 = statistics.median(under_attack) * 1000
    print(
        f"\nbaseline p50 {baseline_p50:.1f} ms ({len(baseline)} GETs); under {SLOW_CLIENTS} "
        f"slow clients p50 {attack_p50:.1f} ms, max {max(under_attack) * 1000:.1f} ms "
        f"({len(under_attack)} GETs, {len(failures)} failed)"
    )
    assert not failures, failures[:5]
    assert attack_p50 <= 2 * baseline_p50
    # The attack was real: every slow client stayed connected and kept sending.
    assert not attack.errors, f"the slow clients were cut off early: {attack.errors[:3]}"
    assert attack.bytes_sent >= SLOW_CLIENTS * (ATTACK_SECONDS - 2)

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
