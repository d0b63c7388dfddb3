"""Benchmark: notification delivery on real Celery workers, from commit to delivery.

Incidents are created through the workflow (each commit writes its outbox rows and hands
them to Redis); real Celery workers deliver to a local webhook receiver and the file
mailer. Three scenarios, each run once per worker count in ``--workers``:

- **burst**: ``--incidents`` incidents created as fast as one process can, workers
  running: the creation rate, the delivery throughput, the time from the last commit to the
  last delivery, and p50/p99 from an incident's commit to each of its deliveries;
- **steady**: incidents at ``--rate`` per second for ``--duration`` seconds: p50/p99
  commit to delivery;
- **drain**: ``--incidents`` incidents created while the workers listen only to an unused
  queue, then all of them take the real queue at once and empty it: the workers' own pace
  (first to last delivery), the figure the scale-out ratio compares.

Every scenario checks duplicates at the receiver (webhook ids, mail Message-IDs) and that
every row was delivered. The figures are printed and written as JSON to
``bench/results/notifications-<timestamp>.json``.

    .venv/bin/python bench/notifications.py --incidents 1000 --workers 1 2

Uses PostgreSQL ``servicedesk_bench_notify`` (``DATABASE_URL``) and Redis db 13
(``CELERY_BROKER_URL``), both created or emptied as needed. Workers run with the settings
docs/operations.md documents (``--pool``, ``--concurrency`` change them).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench_notify")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from incident_lists import ensure_database  # noqa: E402

ensure_database()
django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from catalog.models import Service, Team  # noqa: E402
from incidents.workflow import incident_create  # noqa: E402
from notifications.enums import Channel, DeliveryStatus  # noqa: E402
from notifications.models import Endpoint, Notification  # noqa: E402
from servicedesk.celery import app  # noqa: E402
from tests.notifications.harness import (  # noqa: E402
    WORKER_CONCURRENCY,
    WORKER_POOL,
    Process,
    Receiver,
    percentile,
    read_mail,
    start_receiver,
    start_worker,
    wait_until,
    worker_env,
)

RESULTS = ROOT / "bench" / "results"
HOLD_QUEUE = "bench-hold"
BENCH_DEFAULTS = (
    "NOTIFICATIONS_LEASE_SECONDS",
    "NOTIFICATIONS_REDELIVER_AFTER",
    "NOTIFICATIONS_RELAY_INTERVAL",
)


def person(name: str, *, staff: bool) -> User:
    user, _ = User.objects.get_or_create(
        username=f"bench-{name}", defaults={"email": f"{name}@bench.example", "is_staff": staff}
    )
    return user


class Desk:
    """The people, team, service and webhook endpoint every scenario's incidents use."""

    def __init__(self, receiver: Receiver) -> None:
        run = time.strftime("%Y%m%d-%H%M%S")
        self.agent, mate, lead = (person(n, staff=True) for n in ("agent", "mate", "lead"))
        self.caller = person("caller", staff=False)
        team = Team.objects.create(name=f"Bench {run}")
        team.members.add(self.agent, mate, lead)
        self.service = Service.objects.create(name=f"Bench {run}", owner_team=team)
        Endpoint.objects.filter(is_active=True).update(is_active=False)  # earlier runs'
        Endpoint.objects.create(name=f"bench {run}", url=receiver.url + "/hook", team=team)

    def create(self, i: int) -> tuple[int, float]:
        """One incident through the workflow; its pk and the wall time of its commit."""
        incident = incident_create(
            by=self.agent, title=f"Bench {i}", caller=self.caller, service=self.service
        )
        return incident.pk, time.time()


class Workers:
    """``count`` worker processes (the first one runs beat: the relay), each with the
    documented pool and concurrency."""

    def __init__(self, args: argparse.Namespace, directory: Path) -> None:
        self.args = args
        self.directory = directory
        self.processes: list[Process] = []
        self.cpu_at_start = 0.0

    def start(self, count: int, *, held: bool = False) -> None:
        """Start ``count`` workers; ``held``: consuming only an unused queue until
        ``release()``, so that they all start on the backlog at the same moment."""
        env = worker_env(
            os.environ["DATABASE_URL"], settings.CELERY_BROKER_URL, self.directory / "mail"
        )
        for name in BENCH_DEFAULTS:
            # The tests' second-long lease and relay would re-hand a backlog that is only
            # waiting its turn: production's defaults here.
            env.pop(name, None)
        for n in range(count):
            self.processes.append(
                start_worker(
                    env,
                    self.directory / f"worker-{len(self.processes)}.log",
                    concurrency=self.args.concurrency,
                    pool=self.args.pool,
                    beat=n == 0,
                    queues=HOLD_QUEUE if held else "",
                )
            )
        self.cpu_at_start = self.cpu_seconds()  # starting up is not delivering

    def release(self) -> None:
        replies = app.control.add_consumer("celery", reply=True, timeout=5)
        if len(replies) != len(self.processes):
            raise RuntimeError(f"Only {len(replies)} workers took the queue: {replies}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers' processes and their pool children have
        used so far: the cost of delivery whatever else runs on the machine (Linux)."""
        total = 0.0
        for process in self.processes:
            pids = [process.popen.pid]
            try:
                children = Path(f"/proc/{pids[0]}/task/{pids[0]}/children").read_text()
                pids += [int(pid) for pid in children.split()]
                for pid in pids:
                    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
                    total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except OSError:
                return float("nan")
        return total

    def stop(self) -> None:
        for process in self.processes:
            process.kill()
        self.processes = []


def outbox_since(since: datetime) -> Any:
    return Notification.objects.exclude(channel=Channel.INBOX).filter(created_at__gte=since)


def settle(outbox: Any, timeout: float) -> bool:
    return wait_until(
        lambda: not outbox.exclude(status=DeliveryStatus.DELIVERED).exists(),
        timeout=timeout,
        interval=0.1,
    )


def figures(
    outbox: Any, commits: dict[int, float], receiver: Receiver, mail_dir: Path, seen: int
) -> dict[str, Any]:
    """Latency from each incident's commit to each delivery, throughput from the first
    commit to the last delivery, duplicates at the sinks."""
    rows = list(outbox.values_list("event_key", "delivered_at", "status"))
    delivered = [(key, at) for key, at, status in rows if status == DeliveryStatus.DELIVERED]
    # event_key is "incidents.incident:<pk>/<entry>".
    late = [at.timestamp() - commits[int(key.split(":")[1].split("/")[0])] for key, at in delivered]
    times = sorted(at.timestamp() for _, at in delivered)
    last_delivery = times[-1] if times else float("nan")
    first_commit, last_commit = min(commits.values()), max(commits.values())
    hooks = receiver.ids("/hook")[seen:]
    mail_ids = [m["Message-ID"] for m in read_mail(mail_dir)]
    return {
        "notifications": len(rows),
        "delivered": len(delivered),
        # From the first commit: what a burst sees (bounded by the creation rate).
        "deliveries_per_s": round(len(delivered) / (last_delivery - first_commit), 1),
        # From the first delivery to the last: the workers' own pace (the drain's figure).
        "delivery_pace_per_s": round((len(times) - 1) / (times[-1] - times[0]), 1)
        if len(times) > 1
        else float("nan"),
        "last_commit_to_last_delivery_s": round(last_delivery - last_commit, 2),
        "commit_to_delivery_ms": {
            "p50": round(percentile(late, 0.5) * 1000),
            "p99": round(percentile(late, 0.99) * 1000),
            "max": round(max(late) * 1000),
        },
        "webhooks_received": len(hooks),
        "webhook_duplicates": len(hooks) - len(set(hooks)),
        "mail_duplicates": len(mail_ids) - len(set(mail_ids)),
    }


def scenario(
    name: str,
    workers_count: int,
    args: argparse.Namespace,
    receiver: Receiver,
    body: Callable[[Desk, Workers], tuple[dict[int, float], dict[str, Any]]],
) -> dict[str, Any]:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    desk = Desk(receiver)
    seen = len(receiver.ids("/hook"))
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "mail").mkdir()
        workers = Workers(args, directory)
        try:
            since = timezone.now()
            commits, extra = body(desk, workers)
            outbox = outbox_since(since)
            done = settle(outbox, timeout=args.timeout)
            cpu = workers.cpu_seconds() - workers.cpu_at_start
        finally:
            workers.stop()
        result = {
            "scenario": name,
            "workers": workers_count,
            "all_delivered": done,
            **extra,
            **figures(outbox, commits, receiver, directory / "mail", seen),
        }
        result["worker_cpu_ms_per_delivery"] = round(cpu * 1000 / max(result["delivered"], 1), 2)
    return result


def burst(workers_count: int, args: argparse.Namespace, receiver: Receiver) -> dict[str, Any]:
    def body(desk: Desk, workers: Workers) -> tuple[dict[int, float], dict[str, Any]]:
        workers.start(workers_count)
        started = time.monotonic()
        commits = dict(desk.create(i) for i in range(args.incidents))
        took = time.monotonic() - started
        return commits, {
            "incidents": args.incidents,
            "created_per_s": round(args.incidents / took, 1),
        }

    return scenario("burst", workers_count, args, receiver, body)


def steady(workers_count: int, args: argparse.Namespace, receiver: Receiver) -> dict[str, Any]:
    def body(desk: Desk, workers: Workers) -> tuple[dict[int, float], dict[str, Any]]:
        workers.start(workers_count)
        count = round(args.rate * args.duration)
        commits: dict[int, float] = {}
        started = time.monotonic()
        lock = threading.Lock()
        queue = iter(range(count))

        def create() -> None:
            # On schedule, not "sleep between": incident i is due at i / rate, and a slow
            # create in one thread does not delay the others.
            try:
                while True:
                    with lock:
                        i = next(queue, None)
                    if i is None:
                        return
                    time.sleep(max(0.0, started + i / args.rate - time.monotonic()))
                    pk, at = desk.create(i)
                    with lock:
                        commits[pk] = at
            finally:
                connection.close()

        threads = [threading.Thread(target=create) for _ in range(args.creators)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.monotonic() - started
        return commits, {
            "incidents": count,
            "creators": args.creators,
            "rate_asked_per_s": args.rate,
            "rate_achieved_per_s": round(count / took, 1),
        }

    return scenario("steady", workers_count, args, receiver, body)


def drain(workers_count: int, args: argparse.Namespace, receiver: Receiver) -> dict[str, Any]:
    def body(desk: Desk, workers: Workers) -> tuple[dict[int, float], dict[str, Any]]:
        workers.start(workers_count, held=True)
        commits = dict(desk.create(i) for i in range(args.incidents))
        workers.release()
        return commits, {"incidents": args.incidents}

    return scenario("drain", workers_count, args, receiver, body)


SCENARIOS = {"burst": burst, "steady": steady, "drain": drain}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1000, help="burst and drain size")
    parser.add_argument("--rate", type=float, default=20.0, help="steady: incidents per second")
    parser.add_argument("--duration", type=float, default=30.0, help="steady: seconds")
    parser.add_argument(
        "--creators", type=int, default=1, help="steady: threads creating incidents"
    )
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1], help="worker processes (1 2: scale-out)"
    )
    parser.add_argument("--pool", default=WORKER_POOL)
    parser.add_argument("--concurrency", type=int, default=WORKER_CONCURRENCY)
    parser.add_argument(
        "--scenarios", default="burst,steady,drain", help="comma-separated: burst,steady,drain"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for delivery")
    args = parser.parse_args()

    commit = git_commit()  # what is measured: the tree now, not when the run ends
    call_command("migrate", verbosity=0)
    receiver = start_receiver()
    results: list[dict[str, Any]] = []
    for name in args.scenarios.split(","):
        for count in args.workers:
            result = SCENARIOS[name](count, args, receiver)
            results.append(result)
            print(summary(result), flush=True)
    ratios = scale_out(results)
    for name, ratio in ratios.items():
        print(
            f"scale-out {name}: {args.workers[-1]} workers deliver {ratio:.2f}x {args.workers[0]}"
        )
    report = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": commit,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "database": settings.DATABASES["default"]["NAME"],
        "broker": settings.CELERY_BROKER_URL,
        "pool": args.pool,
        "concurrency": args.concurrency,
        "results": results,
        "scale_out": ratios,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"notifications-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")


def summary(r: dict[str, Any]) -> str:
    latency = r["commit_to_delivery_ms"]
    head = f"{r['scenario']:6} {r['workers']} worker(s): {r['incidents']} incidents"
    if "created_per_s" in r:
        head += f" created at {r['created_per_s']}/s"
    if "rate_achieved_per_s" in r:
        head += f" at {r['rate_achieved_per_s']}/s (asked {r['rate_asked_per_s']})"
    return (
        f"{head}; {r['delivered']}/{r['notifications']} delivered at {r['deliveries_per_s']}/s "
        f"(workers' pace {r['delivery_pace_per_s']}/s), "
        f"last commit to last delivery {r['last_commit_to_last_delivery_s']} s, "
        f"commit to delivery p50 {latency['p50']} ms p99 {latency['p99']} ms "
        f"max {latency['max']} ms; worker CPU {r['worker_cpu_ms_per_delivery']} ms/delivery; "
        f"duplicates: webhooks {r['webhook_duplicates']}, "
        f"mail {r['mail_duplicates']}"
    )


def scale_out(results: list[dict[str, Any]]) -> dict[str, float]:
    """The workers' pace with the most workers over that with the fewest, per scenario (the
    drain's is the one that measures the workers alone)."""
    ratios = {}
    for name in SCENARIOS:
        runs = [r for r in results if r["scenario"] == name]
        if len(runs) > 1:
            pace = [r["delivery_pace_per_s"] for r in runs]
            ratios[name] = round(pace[-1] / pace[0], 2)
    return ratios


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip()
    except OSError:
        return ""


if __name__ == "__main__":
    main()
