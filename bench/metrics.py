"""Benchmark: the metrics endpoints, the reports page and the "breaching soon" filter at
1,000,000 incidents (issue 14), servicedesk against the ceiling of its own stack.

Seeds PostgreSQL ``servicedesk_bench_metrics`` once (``DATABASE_URL`` to change it) with
two years of incidents whose milestones follow the ServiceNow log's shapes
(``seed.py``, ``Shape``/``LOG``), closed changes and SLA clocks (``metrics_seed.py``).
Then starts servicedesk and the ceiling under the production server as shipped
(``deploy/serve.py``, 2 gunicorn workers, ``DEBUG=0``); the ceiling runs on the same
database, so its bare views read the same rows with the least SQL that can (one mean and
two percentiles by hand; 100 rows by an indexed column). Every scenario is one
connection (the time one person waits), rounds interleaved. Prints p50/p99, req/s, SQL
per request and the ratio to the ceiling, checks the issue's goals (each metrics
endpoint and the reports page under 1 s, the "breaching soon" filter under 200 ms: the
median answer, or the 99th percentile with ``--strict``), writes
``bench/results/metrics-<time>.json`` and exits 1 on a miss.

    .venv/bin/python bench/metrics.py                 # seeds on first use (~10 min)
    .venv/bin/python bench/metrics.py --seed-only
    .venv/bin/python bench/metrics.py --only summary --seconds 5 --rounds 2
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import goals  # noqa: E402

PRODUCT_DB = os.environ.get(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench_metrics"
)
goals.environment(PRODUCT_DB)

import django  # noqa: E402
from goals import Case  # noqa: E402
from load import Request, verified_session  # noqa: E402
from seed import LOG, Shape, ensure_database, seed_incidents  # noqa: E402

ensure_database(PRODUCT_DB)
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from metrics_seed import seed_changes, seed_clocks  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.tokens import api_token_issue  # noqa: E402
from demo.data import TITLES as DEMO_TITLES  # noqa: E402
from incidents.models import Incident  # noqa: E402
from kernel.numbering import format_number, reserve_up_to  # noqa: E402

TITLES = [title for titles in DEMO_TITLES.values() for title in titles]
# Two years of incidents (one every 63 s), the last reported now; a change every hour.
SHAPE = Shape(spacing=63, milestones=LOG, per_batch=False)
CHANGES = 17_520
CHANGE_SPACING = 3600

METRICS_GOAL_MS = 1000.0
SOON_GOAL_MS = 200.0


def seed(incidents: int) -> None:
    start = time.perf_counter()
    seed_incidents(incidents, TITLES, SHAPE)
    seed_changes(CHANGES, CHANGE_SPACING)
    reserve_up_to("CHG", format_number("CHG", CHANGES + 1000))
    if "sla" in settings.INSTALLED_APPS:
        seed_clocks()
    else:
        print("  no sla app here yet: no clocks", flush=True)
    print(f"seed done in {time.perf_counter() - start:.0f} s", flush=True)


def metrics_paths(client: Client) -> list[str]:
    """Every GET route under /api/v1/metrics/ without a path parameter, from the schema."""
    schema = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    assert schema.status_code == 200, schema.status_code
    paths = json.loads(schema.content)["paths"]
    return sorted(
        path
        for path, operations in paths.items()
        if path.startswith("/api/v1/metrics/") and "{" not in path and "get" in operations
    )


def busiest_team() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT assignment_group_id FROM incidents_incident GROUP BY 1 "
            "ORDER BY count(*) DESC LIMIT 1"
        )
        return int(cursor.fetchone()[0])


def ceiling_kind(endpoint: str) -> str:
    """Which of the ceiling's queries is nearest to an endpoint (``ceiling/views.py``)."""
    last = endpoint.rsplit("/", 1)[-1]
    if last.startswith("sla"):
        return "sla"
    return {"backlog": "backlog", "changes": "changes", "services": "services",
            "breakdown": "groups"}.get(last, "durations")  # fmt: skip


def credentials() -> tuple[dict[str, str], dict[str, str]]:
    """An agent's API token and a second-factor admin session, as headers."""
    _, token = api_token_issue(User.objects.get(username="sam"), name="bench/metrics.py")
    api = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    cookie = {"Cookie": f"sessionid={verified_session(User.objects.get(username='admin'))}"}
    return api, cookie


def cases(args: argparse.Namespace, api: dict[str, str], cookie: dict[str, str]) -> list[Case]:
    now = timezone.now().replace(microsecond=0)
    default_from = (now - timedelta(days=90)).isoformat()
    year_from = (now - timedelta(days=365)).isoformat()
    to = now.isoformat()
    team = busiest_team()
    periods = [
        ("90 days (default)", "", default_from),
        ("1 year", f"from={year_from}&to={to}", year_from),
    ]
    filters = [("", "", ""), (f", team {team} (38 %)", f"team={team}", f"&team={team}")]
    # The ceiling's query string needs "+" in the offset kept.
    enc = {"+": "%2B", ":": "%3A"}

    def q(value: str) -> str:
        return "".join(enc.get(c, c) for c in value)

    def ceiling_aggregate(start: str, team_q: str, kind: str = "durations") -> Request:
        return Request(
            "GET", [f"/metrics/aggregate/?kind={kind}&from={q(start)}&to={q(to)}{team_q}"]
        )

    def query(*parts: str) -> str:
        joined = "&".join(p for p in parts if p)
        return f"?{joined}" if joined else ""

    found: list[Case] = []
    counter = Client()
    for path in metrics_paths(counter):
        short = path.removeprefix("/api/v1/metrics/").strip("/") or "metrics"
        for period, period_q, start in periods:
            for label, filter_q, team_q in filters:
                period_part = "&".join(
                    f"{k}={q(v)}" for k, v in (p.split("=", 1) for p in period_q.split("&") if p)
                )
                found.append(
                    Case(
                        f"API {short}, {period}{label}",
                        METRICS_GOAL_MS,
                        Request("GET", [path + query(period_part, filter_q)], api),
                        ceiling_aggregate(start, team_q, ceiling_kind(short)),
                    )
                )
    for period, period_q, start in periods:
        period_part = "&".join(
            f"{k}={q(v)}" for k, v in (p.split("=", 1) for p in period_q.split("&") if p)
        )
        found.append(
            Case(
                f"Reports page, {period}",
                METRICS_GOAL_MS,
                Request("GET", [args.reports_path + query(period_part)], cookie),
                ceiling_aggregate(start, ""),
            )
        )
    # The same page without the filter: what the list itself costs (no goal of its own).
    found.append(
        Case(
            "Incident changelist, no filter (reference)",
            None,
            Request("GET", [args.changelist_path], cookie),
            Request("GET", ["/metrics/breaching/"]),
        )
    )
    found.append(
        Case(
            "Incident changelist, SLA breaching soon",
            SOON_GOAL_MS,
            Request("GET", [args.changelist_path + "?" + args.soon_query], cookie),
            Request("GET", ["/metrics/breaching/"]),
        )
    )
    return goals.only(found, args.only)


# Its own layout, older than the other goal benchmarks': no req/s column, no load.
METRICS = goals.Bench("metrics", PRODUCT_DB, width=58, rps=False, load=False)


def meta() -> tuple[dict[str, object], str]:
    clocks = 0
    if "sla" in settings.INSTALLED_APPS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sla_clock")
            clocks = cursor.fetchone()[0]
    incidents = Incident.objects.count()
    return {"incidents": incidents, "clocks": clocks}, (
        f"{incidents:,} incidents, {clocks:,} clocks"
    )


def main() -> None:
    parser = goals.arguments(__doc__.split("\n")[0], incidents=1_000_000)
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--reports-path", default="/admin/metrics/incidentreport/")
    parser.add_argument("--changelist-path", default="/admin/incidents/incident/")
    parser.add_argument("--soon-query", default="sla=soon")
    args = parser.parse_args()

    seed(args.incidents)
    if args.seed_only:
        return
    settings.DEBUG = False  # the cases read the schema as the servers would (seeding set it on)
    api, cookie = credentials()
    sys.exit(goals.run(METRICS, args, cases(args, api, cookie), meta))


if __name__ == "__main__":
    main()
