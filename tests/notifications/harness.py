"""Real services for notification tests and benchmarks: a local webhook receiver, a real
Celery worker in a subprocess, a private redis-server, and the file mailer's messages.
Nothing here is mocked; a service that cannot start fails the test loudly."""

import email
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(ROOT / ".venv" / "bin" / "celery")


def wait_until(check: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


# --- webhook receiver ------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    status: int = 200
    """What the receiver answered."""

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server in a thread that records every POST. ``script[path]`` is a list of
    status codes to answer in turn (then 200); ``delay`` slows every answer. ``arrived``
    holds the ``webhook-id`` of every request as soon as it is read (``received`` records
    it once answered)."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    arrived: list[str] = field(default_factory=list)
    script: dict[str, list[int]] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def ids(self, path: str | None = None) -> list[str]:
        with self.lock:
            return [r.headers["webhook-id"] for r in self.received if path in (None, r.path)]


def start_receiver() -> Receiver:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as real receivers do: a sender may reuse its connection.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            receiver = holder["r"]
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            if len(body) < length:
                # The sender died between its headers and its body (a worker killed
                # mid-request): like any HTTP server, nothing reaches the application.
                self.close_connection = True
                return
            with receiver.lock:
                receiver.arrived.append(self.headers.get("webhook-id", ""))
            if receiver.delay:
                time.sleep(receiver.delay)
            with receiver.lock:
                answers = receiver.script.get(self.path) or []
                code = answers.pop(0) if answers else 200
                receiver.received.append(
                    Received(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        time.time(),
                        code,
                    )
                )
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["r"] = receiver = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver


# --- mail ------------------------------------------------------------------------------


def read_mail(directory: Path) -> list[Message]:
    """Every message the file mailer wrote (each file holds messages separated by dashes)."""
    messages = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk))
    return messages


# --- processes -------------------------------------------------------------------------


@dataclass
class Process:
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group: a Celery worker and its pool children."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


def spawn(args: list[str], *, env: dict[str, str], log: Path) -> Process:
    handle = log.open("ab")
    popen = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Process(popen, log)


def worker_env(database_url: str, broker_url: str, mail_dir: Path, **extra: str) -> dict:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_FILE_PATH": str(mail_dir),
        "CONN_MAX_AGE": "60",
        "NOTIFICATIONS_RETRY_SCHEDULE": "1,1,1",
        "NOTIFICATIONS_LEASE_SECONDS": "5",
        "NOTIFICATIONS_REDELIVER_AFTER": "3",
        "NOTIFICATIONS_RELAY_INTERVAL": "1",
        # The receiver (start_receiver) listens on loopback, which webhooks may not call
        # unless allowed by name.
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


# The worker settings docs/operations.md documents ("Workers"); tests and the benchmark
# run what production is told to run.
WORKER_POOL = "prefork"
WORKER_CONCURRENCY = 3


def start_worker(
    env: dict,
    log: Path,
    *,
    concurrency: int = WORKER_CONCURRENCY,
    pool: str = WORKER_POOL,
    beat: bool = True,
    queues: str = "",
) -> Process:
    args = [
        CELERY,
        "-A",
        "servicedesk",
        "worker",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
        f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]
    if queues:
        args.append(f"--queues={queues}")
    if beat:
        args += ["--beat", f"--schedule={log.parent / 'beat-schedule'}"]
    process = spawn(args, env=env, log=log)
    if not wait_until(lambda: " ready." in process.output(), timeout=60):
        process.kill()
        raise RuntimeError("The Celery worker did not start:\n" + process.output()[-3000:])
    return process


@dataclass
class RedisServer:
    port: int
    directory: Path
    process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.process = spawn(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            env=dict(os.environ),
            log=self.directory / "redis.log",
        )
        if not wait_until(self.is_up, timeout=10):
            raise RuntimeError("redis-server did not start: " + self.process.output())

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill(signal.SIGKILL)
            self.process = None

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def python() -> str:
    return sys.executable


def stop_all(processes: Iterator[Process]) -> None:
    for process in processes:
        process.kill(signal.SIGTERM)


def post_json(url: str, token: str, body: dict) -> int:
    """POST ``body`` to the API in another process with an API token; the status."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def spawn_web(env: dict, log: Path) -> tuple[Process, str]:
    """The API in a process of its own (``runserver``) on a free port, and its incidents
    URL; ``web_ready`` tells when it answers."""
    port = free_port()
    server = spawn(
        [python(), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, log=log
    )
    return server, f"http://127.0.0.1:{port}/api/v1/incidents/"


def web_ready(server: Process) -> bool:
    return wait_until(lambda: "Quit the server" in server.output(), timeout=30)
