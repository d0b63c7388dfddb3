"""Benchmark: notification latency from commit to delivery on a real worker.

Creates N incidents through the workflow (each commit writes its outbox rows), with a
real Celery worker on Redis delivering to a local webhook receiver and the file mailer,
then prints the creation rate, the delivery throughput and the p50/p99/max latency from
the outbox row's commit to its delivery, plus duplicates seen by the receiver.

    .venv/bin/python bench/notifications.py --incidents 1000 --concurrency 4

Uses PostgreSQL ``servicedesk_bench_notify`` (``DATABASE_URL``) and Redis db 13
(``CELERY_BROKER_URL``), both created or emptied as needed.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

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
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from catalog.models import Service, Team  # noqa: E402
from incidents.workflow import incident_create  # noqa: E402
from notifications.enums import Channel, DeliveryStatus  # noqa: E402
from notifications.models import Endpoint, Notification  # noqa: E402
from tests.notifications.harness import (  # noqa: E402
    percentile,
    start_receiver,
    start_worker,
    wait_until,
    worker_env,
)


def person(name: str, *, staff: bool) -> User:
    user, _ = User.objects.get_or_create(
        username=f"bench-{name}", defaults={"email": f"{name}@bench.example", "is_staff": staff}
    )
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    run = time.strftime("%Y%m%d-%H%M%S")
    agent, mate, lead = (person(n, staff=True) for n in ("agent", "mate", "lead"))
    caller = person("caller", staff=False)
    team = Team.objects.create(name=f"Bench {run}")
    team.members.add(agent, mate, lead)
    service = Service.objects.create(name=f"Bench {run}", owner_team=team)
    receiver = start_receiver()
    Endpoint.objects.filter(is_active=True).update(is_active=False)  # earlier runs' receivers
    Endpoint.objects.create(name=f"bench {run}", url=receiver.url + "/hook", team=team)

    with tempfile.TemporaryDirectory() as tmp:
        db = settings.DATABASES["default"]
        database_url = os.environ["DATABASE_URL"]
        env = worker_env(database_url, settings.CELERY_BROKER_URL, Path(tmp) / "mail")
        env["LOG_LEVEL"] = "WARNING"
        worker = start_worker(env, Path(tmp) / "worker.log", concurrency=args.concurrency)
        try:
            since = timezone.now()
            started = time.monotonic()
            for i in range(args.incidents):
                incident_create(by=agent, title=f"Bench {i}", caller=caller, service=service)
            created = time.monotonic() - started
            outbox = Notification.objects.exclude(channel=Channel.INBOX).filter(
                created_at__gte=since
            )
            wait_until(
                lambda: not outbox.exclude(status=DeliveryStatus.DELIVERED).exists(),
                timeout=600,
                interval=0.5,
            )
            finished = time.monotonic() - started
        finally:
            worker.kill()
    rows = list(outbox.values_list("created_at", "delivered_at", "channel"))
    late = [(d - c).total_seconds() for c, d, _ in rows if d is not None]
    hooks = receiver.ids("/hook")
    print(
        f"database {db['NAME']}, broker {settings.CELERY_BROKER_URL}, {args.concurrency} processes"
    )
    print(
        f"{args.incidents} incidents created in {created:.1f} s ({args.incidents / created:.0f}/s)"
    )
    print(
        f"{len(late)}/{len(rows)} notifications delivered in {finished:.1f} s "
        f"({len(late) / finished:.0f}/s)"
    )
    print(
        "commit to delivery: "
        f"p50 {percentile(late, 0.5) * 1000:.0f} ms, p99 {percentile(late, 0.99) * 1000:.0f} ms, "
        f"max {max(late) * 1000:.0f} ms"
    )
    print(f"webhooks received {len(hooks)}, distinct ids {len(set(hooks))}")


if __name__ == "__main__":
    main()
