"""Benchmark: the agents' and integrations' list pages at a million incidents.

Seeds a PostgreSQL database (default ``servicedesk_bench`` on 127.0.0.1) with N incidents
through set-based SQL (fast; the benchmark measures reading, not writing), then times the
pages agents and integrations hit most, printing the median wall time and the SQL query
count of each. Run it with ``make bench`` (``BENCH_INCIDENTS=1000000`` by default).
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
import environ  # noqa: E402
import psycopg  # noqa: E402


def ensure_database() -> None:
    """Create the benchmark database on first use."""
    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    server = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


ensure_database()
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from demo.data import TITLES as DEMO_TITLES  # noqa: E402
from incidents.models import Incident  # noqa: E402
from kernel.numbering import format_number, reserve_up_to  # noqa: E402

TITLES = [title for titles in DEMO_TITLES.values() for title in titles]
SEED_SQL = """
WITH teams AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog_team),
     services AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog_service),
     cats AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog_category
              WHERE parent_id IS NULL),
     callers AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE NOT is_staff),
     agents AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE is_staff),
     titles AS (SELECT %(titles)s::text[] AS names)
INSERT INTO incidents_incident (
    number, title, description, impact, urgency, priority, priority_override_reason,
    reassignment_count, created_at, updated_at, status, source, contact, severity,
    hold_reason, reopen_count, resolution_code, resolution_notes, close_code, close_notes,
    detected_at, reported_at, acknowledged_at, resolved_at, closed_at,
    assigned_to_id, assignment_group_id, caller_id, category_id, service_id
)
SELECT 'INC' || lpad(g::text, 7, '0'),
       titles.names[1 + g %% cardinality(titles.names)] || ' (' || g || ')', '',
       1 + g %% 3, 1 + (g / 3) %% 3, 1 + g %% 3 + (g / 3) %% 3, '',
       g %% 4, t, t,
       CASE WHEN g %% 20 = 0 THEN 1 WHEN g %% 20 = 1 THEN 2 WHEN g %% 40 = 2 THEN 3
            WHEN g %% 20 = 3 THEN 6 WHEN g %% 50 = 4 THEN 8 ELSE 7 END,
       'phone', '', NULL,
       CASE WHEN g %% 40 = 2 THEN 'awaiting_caller' ELSE '' END, 0,
       '', '', '', '',
       t, t, t + interval '10 minutes', NULL, NULL,
       CASE WHEN g %% 3 = 0 THEN NULL ELSE agents.ids[1 + g %% cardinality(agents.ids)] END,
       teams.ids[1 + g %% cardinality(teams.ids)],
       callers.ids[1 + g %% cardinality(callers.ids)],
       cats.ids[1 + g %% cardinality(cats.ids)],
       services.ids[1 + g %% cardinality(services.ids)]
FROM generate_series(%(start)s, %(stop)s) AS g,
     LATERAL (SELECT now() - (%(stop)s - g) * interval '30 seconds' AS t) AS ts,
     teams, services, cats, callers, agents, titles
"""
TIMELINE_SQL = """
INSERT INTO incidents_incidenttimelineentry (kind, verb, body, data, created_at, ticket_id)
SELECT 'event', 'created', '', '{}'::jsonb, reported_at, id
FROM incidents_incident WHERE id > %(after)s
"""


def seed(target: int) -> None:
    settings.DEBUG = True  # the demo catalog loader refuses to run otherwise
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="admin").exists():
        call_command("load_demo", incidents=0, verbosity=0)
    have = Incident.objects.count()
    if have >= target:
        print(f"database has {have:,} incidents already")
        return
    start = time.perf_counter()
    after = Incident.objects.order_by("-id").values_list("id", flat=True).first() or 0
    batch = 200_000
    with connection.cursor() as cursor:
        for first in range(have + 1, target + 1, batch):
            last = min(first + batch - 1, target)
            # Demo incidents use low numbers; bench rows start past them.
            cursor.execute(SEED_SQL, {"start": first + 1000, "stop": last + 1000, "titles": TITLES})
            print(f"  seeded {last:,} incidents", flush=True)
        cursor.execute(TIMELINE_SQL, {"after": after})
    # What autovacuum does on a live desk: statistics, and the visibility map that lets
    # counts run on indexes alone. VACUUM cannot run inside a transaction block.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    reserve_up_to("INC", format_number("INC", target + 1000))
    print(f"seeded to {target:,} incidents in {time.perf_counter() - start:.0f} s")


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
