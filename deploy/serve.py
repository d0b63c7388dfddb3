"""Run a WSGI application in production: Debian's nginx in front of gunicorn's sync workers.

    .venv/bin/python deploy/serve.py --app servicedesk.wsgi:application \\
        --bind 127.0.0.1:8000 --workers 2

nginx holds the client connections: it reads a whole request body before passing the
request on and takes a whole response off the worker at once, so clients on slow links (or
clients trickling bytes on purpose) cost nginx a little memory and never hold one of the
few gunicorn workers. gunicorn listens on a Unix socket in a private run directory; nginx
listens on ``--bind``. Both run in the foreground under this script, which stops both on
SIGTERM or SIGINT and exits non-zero if either dies. Everything the application needs
(DJANGO_SETTINGS_MODULE, DATABASE_URL, SECRET_KEY, ...) passes through the environment.
Why nginx and not a server that buffers by itself: docs/operations.md#web-server.

Environment read here (all optional):

- ``WEB_WORKERS``: gunicorn workers when ``--workers`` is not given (default 2 x cores).
- ``WEB_TIMEOUT``: seconds a request may run before its worker is replaced (default 30).
- ``TRUSTED_PROXIES``: comma-separated addresses/CIDRs of load balancers whose
  ``X-Forwarded-For`` and ``X-Forwarded-Proto`` nginx believes (default none).
- ``CLIENT_MAX_BODY_SIZE``: largest request body, nginx syntax (default ``64m``).
- ``NGINX``: the nginx binary (default ``nginx`` on PATH, then ``/usr/sbin/nginx``).
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

DEPLOY_DIR = Path(__file__).resolve().parent
TEMPLATE = DEPLOY_DIR / "nginx.conf.template"
NGINX_TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
STARTUP_SECONDS = 60.0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    nginx = find_nginx()
    run_dir = Path(tempfile.mkdtemp(prefix="serve-"))
    processes: list[subprocess.Popen[bytes]] = []
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        socket_path = run_dir / "gunicorn.sock"
        gunicorn = start_gunicorn(args, socket_path)
        processes.append(gunicorn)
        wait_for_socket(socket_path, gunicorn, lambda: stopping)
        config = write_nginx_config(args, run_dir, socket_path)
        processes.append(start_nginx(nginx, config, run_dir))
        print(f"serve: listening on http://{args.bind} ({args.workers} workers)", flush=True)
        while not stopping:
            for name, process in zip(("gunicorn", "nginx"), processes, strict=False):
                if process.poll() is not None:
                    print(f"serve: {name} exited ({process.returncode})", flush=True)
                    return 1
            time.sleep(0.2)
        return 0
    finally:
        stop(processes)
        shutil.rmtree(run_dir, ignore_errors=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", required=True, help="WSGI application, module:callable")
    parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT nginx listens on")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_WORKERS", 2 * cores)),
        help="gunicorn sync workers (default WEB_WORKERS, else 2 x cores)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=int(os.environ.get("WEB_TIMEOUT", 30)),
        help="seconds before a silent worker is replaced (default WEB_TIMEOUT, else 30)",
    )
    args = parser.parse_args(argv)
    if ":" not in args.app:
        parser.error("--app must be module:callable")
    return args


def find_nginx() -> str:
    candidates = [os.environ.get("NGINX", ""), shutil.which("nginx") or "", "/usr/sbin/nginx"]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("serve: nginx not found; install Debian's (apt-get install nginx) or set NGINX.")


def start_gunicorn(args: argparse.Namespace, socket_path: Path) -> subprocess.Popen[bytes]:
    # Our nginx sets X-Forwarded-Proto itself (the client's own only from TRUSTED_PROXIES),
    # so the application may believe it: the settings read TRUSTED_PROXY_SSL_HEADER.
    env = {**os.environ, "SERVE_APP": args.app, "TRUSTED_PROXY_SSL_HEADER": "1"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "proxied:application",
        f"--pythonpath={DEPLOY_DIR},{Path.cwd()}",
        f"--bind=unix:{socket_path}",
        "--worker-class=sync",
        f"--workers={args.workers}",
        f"--timeout={args.timeout}",
        f"--graceful-timeout={args.timeout}",
        # Import the application once, before forking: a broken deploy fails here, loudly,
        # and the workers share its memory.
        "--preload",
        "--worker-tmp-dir=/dev/shm",
        "--no-control-socket",
        # Only nginx can reach the socket; its X-Forwarded-Proto is the one to believe.
        "--forwarded-allow-ips=*",
        "--error-logfile=-",
        "--log-level=warning",
    ]
    return subprocess.Popen(command, env=env)


def wait_for_socket(
    socket_path: Path, gunicorn: subprocess.Popen[bytes], stopping: Callable[[], bool]
) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not socket_path.exists():
        if gunicorn.poll() is not None:
            raise SystemExit(f"serve: gunicorn exited ({gunicorn.returncode}) while starting")
        if time.monotonic() > deadline:
            raise SystemExit(f"serve: gunicorn did not listen within {STARTUP_SECONDS:.0f} s")
        if stopping():
            raise SystemExit(0)
        time.sleep(0.05)


def write_nginx_config(args: argparse.Namespace, run_dir: Path, socket_path: Path) -> Path:
    proxies = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
    # Run as root (a container), nginx's workers drop to nobody, which then needs the run
    # directory: traversable for the socket, its temp directories writable.
    user_line = ""
    run_dir.chmod(0o711)
    for name in NGINX_TEMP_DIRS:
        (run_dir / name).mkdir()
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        user_line = f"user {nobody.pw_name} {grp.getgrgid(nobody.pw_gid).gr_name};"
        for name in NGINX_TEMP_DIRS:
            os.chown(run_dir / name, nobody.pw_uid, nobody.pw_gid)
    values = {
        "nginx_workers": "auto",
        "user_line": user_line,
        "run_dir": str(run_dir),
        "socket": str(socket_path),
        "listen": args.bind,
        "timeout": str(args.timeout + 5),
        "max_body_size": os.environ.get("CLIENT_MAX_BODY_SIZE", "64m"),
        "real_ip_lines": "\n    ".join(f"set_real_ip_from {p};" for p in proxies),
        "trusted_geo_lines": "\n        ".join(f"{p} 1;" for p in proxies),
    }
    text = TEMPLATE.read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    config = run_dir / "nginx.conf"
    config.write_text(text)
    return config


def start_nginx(nginx: str, config: Path, run_dir: Path) -> subprocess.Popen[bytes]:
    # -e: before reading the config nginx opens its compiled-in error log, which an
    # unprivileged user cannot write.
    base = [nginx, "-p", str(run_dir), "-c", str(config), "-e", "stderr"]
    subprocess.run([*base, "-t", "-q"], check=True)
    return subprocess.Popen(base)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """nginx first (stop taking requests), then gunicorn (finish the requests it has).

    Each gets a graceful signal, then a fast one: a client trickling a body would keep a
    gracefully stopping nginx alive for ever. SIGKILL is the last resort, since nginx's
    workers outlive a killed master.
    """
    graceful = {0: signal.SIGTERM, 1: signal.SIGQUIT}  # gunicorn, nginx
    fast = {0: signal.SIGINT, 1: signal.SIGTERM}
    for index in reversed(range(len(processes))):
        process = processes[index]
        for sig, seconds in ((graceful[index], 5.0), (fast[index], 5.0), (signal.SIGKILL, 5.0)):
            if process.poll() is not None:
                break
            process.send_signal(sig)
            try:
                process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                continue


if __name__ == "__main__":
    sys.exit(main())
