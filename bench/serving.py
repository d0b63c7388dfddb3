"""Starting and stopping the servers a benchmark measures: the production server as shipped
(``deploy/serve.py``, nginx in front of gunicorn) on a loopback port.

Ports come from ``BENCH_PORT_RANGE`` ("20300-20399") when set, so benchmarks sharing a
machine do not collide; otherwise the system picks a free one."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
_given: set[int] = set()  # handed out but maybe not bound yet: never hand one out twice


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    low, _, high = os.environ.get("BENCH_PORT_RANGE", "").partition("-")
    if low and high:
        for port in range(int(low), int(high) + 1):
            if port not in _given and _free(port):
                _given.add(port)
                return port
        raise SystemExit(f"no free port in BENCH_PORT_RANGE={low}-{high}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not answer within {timeout} s")


def start_server(
    app: str, port: int, env: dict[str, str], log: Path, workers: int = 2
) -> subprocess.Popen:
    command = [
        PYTHON,
        str(ROOT / "deploy" / "serve.py"),
        "--app",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_http(f"http://127.0.0.1:{port}/")
    return process


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
