"""A real Prometheus Alertmanager for tests: Debian's ``prometheus-alertmanager`` binary
(``.ci/run`` installs it) on a free loopback port, with its own storage and no cluster,
sending its webhooks to the URLs a test gives it. Alerts go in through Alertmanager's own
API (``POST /api/v2/alerts``), as Prometheus sends them.

What the sender does (read in Alertmanager 0.25's source, Debian bookworm's version;
``notify/webhook/webhook.go``, ``notify/util.go: Retrier.Check``, ``notify/notify.go:
RetryStage``, ``dispatch/dispatch.go: aggrGroup.run``):

- A 2xx answer is success. A 5xx answer or a connection error (refused, reset, timed out)
  is retried with exponential backoff (0.5 s, then x1.5, randomized) until the flush's
  deadline: the route's ``group_interval``, at least 10 s. Any other answer, 429 included,
  ends the flush at once: the webhook notifier names no extra retry codes.
- A failed flush, whatever the cause, writes nothing to the notification log, so the next
  flush, one ``group_interval`` later, sends the group again (``DedupStage.needsUpdate``):
  an outage longer than the deadline still ends in a delivery, and a 4xx is sent again
  every ``group_interval`` for as long as the group lasts. A group that fired and
  resolved entirely while every send failed is never sent.
- Each message carries the whole group (firing and, with ``send_resolved``, resolved
  alerts); a firing alert's ``endsAt`` is ``0001-01-01T00:00:00Z``.
- 0.25 has no per-webhook ``timeout``; the request lives as long as the flush (0.28
  added ``timeout``).
"""

import json
import os
import shutil
import signal
import subprocess
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.notifications.harness import Process, python, spawn, wait_until
from tests.services import free_port, stop_process_group

BINARY = "/usr/bin/prometheus-alertmanager"


@dataclass(frozen=True)
class Webhook:
    """A webhook receiver's target: the URL and the bearer token it sends."""

    url: str
    secret: str
    max_alerts: int = 0


def config(
    webhooks: Sequence[Webhook],
    *,
    group_by: Sequence[str] = ("alertname",),
    group_wait: str = "1s",
    group_interval: str = "2s",
    repeat_interval: str = "12h",
) -> dict[str, Any]:
    """One route, one receiver with a webhook per target (JSON is YAML)."""
    return {
        "route": {
            "receiver": "servicedesk",
            "group_by": list(group_by),
            "group_wait": group_wait,
            "group_interval": group_interval,
            "repeat_interval": repeat_interval,
        },
        "receivers": [
            {
                "name": "servicedesk",
                "webhook_configs": [
                    {
                        "url": hook.url,
                        "send_resolved": True,
                        "max_alerts": hook.max_alerts,
                        "http_config": {
                            "authorization": {"type": "Bearer", "credentials": hook.secret}
                        },
                    }
                    for hook in webhooks
                ],
            }
        ],
    }


def fingerprint(labels: dict[str, str]) -> str:
    """Alertmanager's fingerprint of an alert (Prometheus' ``LabelSet.Fingerprint``):
    FNV-1a, 64 bits, over the sorted names and values, each followed by a 0xff byte. The
    API lists only unresolved alerts, so a test that must find an ended alert computes it."""
    digest = 0xCBF29CE484222325
    for name in sorted(labels):
        for part in (name.encode(), b"\xff", labels[name].encode(), b"\xff"):
            for byte in part:
                digest = ((digest ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{digest:016x}"


def _key(labels: dict[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset(labels.items())


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Alertmanager:
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    pushed: dict[frozenset[tuple[str, str]], dict[str, Any]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.directory / "alertmanager.log"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def start(self, settings: dict[str, Any]) -> None:
        if not os.access(BINARY, os.X_OK):
            raise RuntimeError(f"{BINARY} is missing: apt-get install prometheus-alertmanager")
        path = self.directory / "alertmanager.yml"
        path.write_text(json.dumps(settings, indent=2))
        storage = self.directory / "data"
        storage.mkdir(exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    BINARY,
                    f"--config.file={path}",
                    f"--storage.path={storage}",
                    f"--web.listen-address=127.0.0.1:{self.port}",
                    # No gossip: a lone instance, which also sends at once (no peer wait).
                    "--cluster.listen-address=",
                    "--log.level=debug",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not wait_until(self.ready, timeout=30):
            self.stop()
            raise RuntimeError("Alertmanager did not start:\n" + self.output()[-3000:])

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/-/ready", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        stop_process_group(self.process)
        self.process = None

    # --- its API ----------------------------------------------------------------------

    def push(self, *alerts: dict[str, Any]) -> None:
        """``POST /api/v2/alerts``, as Prometheus does (it answers 200 with no body)."""
        request = urllib.request.Request(
            self.url + "/api/v2/alerts",
            data=json.dumps(list(alerts)).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200, response.read()

    def fire(self, labels: dict[str, str], **annotations: str) -> None:
        """A firing alert: starts now, no end (Alertmanager then treats it as firing until
        it hears otherwise or ``resolve_timeout`` passes)."""
        alert = {
            "labels": labels,
            "annotations": annotations,
            "startsAt": now(),
            "generatorURL": "http://prometheus.example/graph?g0.expr=up%3D%3D0",
        }
        self.pushed[_key(labels)] = alert
        self.push(alert)

    def end(self, labels: dict[str, str]) -> None:
        """The same alert (same labels, so the same fingerprint) sent again ending now, as
        Prometheus does once its rule stops firing."""
        self.push({**self.pushed[_key(labels)], "endsAt": now()})

    def alerts(self) -> list[dict[str, Any]]:
        """``GET /api/v2/alerts``: what it holds (active, silenced, inhibited)."""
        with urllib.request.urlopen(self.url + "/api/v2/alerts", timeout=10) as response:
            result: list[dict[str, Any]] = json.loads(response.read())
            return result

    def holds(self, labels: dict[str, str]) -> bool:
        return any(alert["labels"] == labels for alert in self.alerts())

    def wait_for(self, labels: dict[str, str], *, timeout: float = 10) -> None:
        """Until its API lists the alert (pushes are processed asynchronously)."""
        assert wait_until(lambda: self.holds(labels), timeout=timeout), self.alerts()

    # --- its own account of the webhooks it sent ---------------------------------------

    def metric(self, name: str, integration: str = "webhook") -> float:
        """The sum of a counter over the integration's series (``/metrics``)."""
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as response:
            text = response.read().decode()
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name + "{") and f'integration="{integration}"' in line:
                total += float(line.rsplit(" ", 1)[1])
        return total

    def sent(self) -> float:
        """Webhook requests made, successful or not."""
        return self.metric("alertmanager_notification_requests_total")

    def failed(self) -> float:
        """Webhook requests that failed (a 5xx, a refused connection...)."""
        return self.metric("alertmanager_notification_requests_failed_total")

    def delivered(self) -> float:
        """Notifications that got through (after their retries)."""
        return self.metric("alertmanager_notifications_total") - self.metric(
            "alertmanager_notifications_failed_total"
        )


@contextmanager
def running_alertmanager(
    directory: Path, webhooks: Sequence[Webhook], **options: Any
) -> Iterator[Alertmanager]:
    """Started with ``config(webhooks, **options)``; stopped and its storage removed."""
    directory.mkdir(parents=True, exist_ok=True)
    manager = Alertmanager(directory)
    manager.start(config(webhooks, **options))
    try:
        yield manager
    finally:
        manager.stop()
        shutil.rmtree(directory / "data", ignore_errors=True)


def version() -> str:
    done = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=10)
    return (done.stdout + done.stderr).splitlines()[0]


@dataclass
class WebServer:
    """Our web app (``runserver``) in a process of its own on a port that stays the same
    across ``stop()`` and ``start()``, so that a sender configured with its URL finds it
    again after a restart."""

    env: dict[str, str]
    directory: Path
    port: int = field(default_factory=free_port)
    process: Process | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        log = self.directory / f"web-{self.starts}.log"
        self.process = spawn(
            [python(), "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            env=self.env,
            log=log,
        )
        process = self.process
        if not wait_until(lambda: "Quit the server" in process.output(), timeout=30):
            raise RuntimeError("The web server did not start:\n" + process.output()[-3000:])

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill(signal.SIGTERM)
            self.process = None

    def output(self) -> str:
        return "".join(
            path.read_text(errors="replace") for path in sorted(self.directory.glob("web-*.log"))
        )
