"""Benchmark: the agents' and integrations' list pages at a million incidents.

Seeds a PostgreSQL database (default ``servicedesk_bench`` on 127.0.0.1) with N incidents
(``bench/seed.py``), then times the pages agents and integrations hit most in-process,
printing the median wall time and the SQL query count of each. ``bench/web.py`` measures
the same over HTTP against the ceiling; this one is the quick look at one page.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # the test client's host
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

import django  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from seed import ensure_database, seed_incidents  # noqa: E402

ensure_database()
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from demo.data import TITLES as DEMO_TITLES  # noqa: E402
from incidents.models import Incident  # noqa: E402

TITLES = [title for titles in DEMO_TITLES.values() for title in titles]
__all__ = ["ensure_database"]


def seed(target: int) -> None:
    seed_incidents(target, TITLES)


def measure(name: str, fetch: Callable[[], object], runs: int) -> tuple[str, float, float, int]:
    fetch()  # warm caches and connection
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - start) * 1000)
    return name, statistics.median(times), max(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    seed(args.incidents)
    if args.seed_only:
        return
    settings.DEBUG = False

    agent = User.objects.get(username="sam")
    sample = Incident.objects.order_by("id").values_list("number", flat=True)[args.incidents // 2]
    client = Client()
    client.force_login(agent)

    def get(url: str) -> Callable[[], object]:
        def fetch() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return fetch

    pages = [
        ("API list, newest first", "/api/v1/incidents/"),
        ("API list, open (New + In Progress)", "/api/v1/incidents/?status=1&status=2"),
        ("API list, assigned to me, open", "/api/v1/incidents/?assigned_to=me&open=true"),
        ("API list, P1", "/api/v1/incidents/?priority=1"),
        ("API search by number", f"/api/v1/incidents/?search={sample}"),
        ("API search by title words", "/api/v1/incidents/?search=printer%20jams"),
        ("API search by caller", "/api/v1/incidents/?search=carol"),
        ("API retrieve", f"/api/v1/incidents/{sample}/"),
        ("Admin changelist", "/admin/incidents/incident/"),
        ("Admin changelist, open", "/admin/incidents/incident/?status__exact=1"),
        ("Admin changelist, my open incidents", "/admin/incidents/incident/?queue=mine"),
        ("Admin search by number", f"/admin/incidents/incident/?q={sample}"),
        ("Admin search by title words", "/admin/incidents/incident/?q=printer%20jams"),
    ]
    rows = [measure(name, get(url), args.runs) for name, url in pages]
    change_url = f"/admin/incidents/incident/{Incident.objects.get(number=sample).pk}/change/"
    rows.append(measure("Admin change form", get(change_url), args.runs))

    print(f"\n{Incident.objects.count():,} incidents; median and max of {args.runs} runs")
    print(f"{'page':40} {'median ms':>10} {'max ms':>10} {'queries':>8}")
    for name, median, worst, queries in rows:
        print(f"{name:40} {median:10.1f} {worst:10.1f} {queries:8d}")


if __name__ == "__main__":
    main()
