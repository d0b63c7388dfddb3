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
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

PRODUCT_DB = os.environ.get(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench_metrics"
)
BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
os.environ["DATABASE_URL"] = PRODUCT_DB
os.environ["CELERY_BROKER_URL"] = BROKER
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# The sessions made here must hold on the server: both sign with the same key.
os.environ["SECRET_KEY"] = "bench-only-" + "x" * 50
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

import django  # noqa: E402
from load import Figures, Request, check, product_queries, run_wrk, verified_session  # noqa: E402
from seed import LOG, Shape, ensure_database, seed_incidents  # noqa: E402
from serving import free_port, start_server, stop  # noqa: E402

ensure_database(PRODUCT_DB)
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
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

SECOND = 1000.0
METRICS_GOAL_MS = 1 * SECOND
SOON_GOAL_MS = 200.0


@dataclass
class Case:
    name: str
    goal_ms: float | None
    """None: a reference, measured and not judged."""
    product: Request
    ceiling: Request


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
    return [c for c in found if args.only.lower() in c.name.lower()]


def explain(chosen: list[Case]) -> None:
    """Where a scenario's time goes, in this process: each statement's time, and the plan
    of the slowest (EXPLAIN ANALYZE), to tell the owner what to index or reshape."""
    client = Client()
    for case in chosen:
        request = case.product
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()}
        client.get(request.paths[0], **headers)  # warm
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(request.paths[0], **headers)
            took = (time.perf_counter() - started) * SECOND
        timed = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        print(f"\n== {case.name}: {response.status_code}, {took:.0f} ms, {len(timed)} statements")
        for query in timed[:5]:
            print(f"  {float(query['time']) * SECOND:7.1f} ms  {query['sql'][:150]}")
        slowest = timed[0]["sql"] if timed else ""
        if slowest.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest)
                print("\n".join("    " + line for (line,) in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", default="", help="run scenarios whose name contains this")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--strict", action="store_true", help="judge the goals on p99")
    parser.add_argument("--reports-path", default="/admin/metrics/incidentreport/")
    parser.add_argument("--changelist-path", default="/admin/incidents/incident/")
    parser.add_argument("--soon-query", default="sla=soon")
    parser.add_argument(
        "--explain", action="store_true", help="time each statement in-process, plan the slowest"
    )
    args = parser.parse_args()

    seed(args.incidents)
    if args.seed_only:
        return
    if args.explain:
        api, cookie = credentials()
        settings.DEBUG = False
        explain(cases(args, api, cookie))
        return
    settings.DEBUG = False
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": PRODUCT_DB,
        "CELERY_BROKER_URL": BROKER,
        "CONN_MAX_AGE": "600",
        "API_RATE_USER": "1000000/min",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(BENCH),
        "WEB_TIMEOUT": "120",
    }
    ceiling_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "ceiling.settings",
        "CEILING_DATABASE_URL": PRODUCT_DB,
    }
    api, cookie = credentials()
    chosen = cases(args, api, cookie)

    counter = Client()
    results: dict[str, dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        port, c_port = free_port(), free_port()
        servers = [
            start_server("servicedesk.wsgi:application", port, env, tmp / "product.log"),
            start_server("ceiling.wsgi:application", c_port, ceiling_env, tmp / "ceiling.log"),
        ]
        try:
            for case in chosen:
                figures = {"ceiling": Figures(queries=1), "servicedesk": Figures()}
                figures["servicedesk"].queries = product_queries(counter, case.product)
                sides = [
                    ("ceiling", f"http://127.0.0.1:{c_port}", case.ceiling),
                    ("servicedesk", f"http://127.0.0.1:{port}", case.product),
                ]
                for _side, base, request in sides:  # answers as it should, then warm
                    check(base, request)
                    run_wrk(base, request, 1, 2, tmp)
                for round_ in range(args.rounds):
                    for side, base, request in sides if round_ % 2 == 0 else sides[::-1]:
                        got = run_wrk(base, request, 1, args.seconds, tmp)
                        f = figures[side]
                        f.rps.append(got["rps"])
                        f.p50.append(got["p50_ms"])
                        f.p99.append(got["p99_ms"])
                        f.errors += got["errors"]
                        f.bad_status += got["bad_status"]
                results[case.name] = figures
                print(row(case, figures, args.strict)["line"], flush=True)
        finally:
            for server in servers:
                stop(server)
    sys.exit(report(args, chosen, results))


def row(case: Case, figures: dict[str, Figures], strict: bool) -> dict:
    c, p = figures["ceiling"], figures["servicedesk"]
    p50, p99 = statistics.median(p.p50), max(p.p99)
    judged = p99 if strict else p50
    goal = case.goal_ms if case.goal_ms is not None else float("inf")
    met = judged < goal and not p.errors and not p.bad_status
    goal_words = f"goal < {case.goal_ms:.0f}" if case.goal_ms is not None else "no goal"
    ratio = statistics.median(p.rps) / statistics.median(c.rps)
    line = (
        f"{case.name:58} p50/p99 {p50:6.0f}/{p99:6.0f} ms ({goal_words}: "
        f"{'met' if met else 'MISSED'})  ceiling {statistics.median(c.p50):5.0f}/"
        f"{max(c.p99):5.0f} ms  ratio {ratio:4.2f}  SQL {p.queries} vs {c.queries}  "
        f"errors {p.errors}+{p.bad_status}"
    )
    return {
        "scenario": case.name,
        "path": case.product.paths[0],
        "goal_ms": case.goal_ms,
        "met": met,
        "servicedesk_p50_ms": p50,
        "servicedesk_p99_ms": p99,
        "servicedesk_rps": statistics.median(p.rps),
        "ceiling_p50_ms": statistics.median(c.p50),
        "ceiling_p99_ms": max(c.p99),
        "ceiling_rps": statistics.median(c.rps),
        "ratio": ratio,
        "servicedesk_sql": p.queries,
        "ceiling_sql": c.queries,
        "servicedesk_errors": p.errors + p.bad_status,
        "rounds": {"ceiling": asdict(c), "servicedesk": asdict(p)},
        "line": line,
    }


def goal_cell(r: dict) -> str:
    if r["goal_ms"] is None:
        return "(reference)"
    return f"< {r['goal_ms']:.0f} ms {'met' if r['met'] else '**missed**'}"


def report(
    args: argparse.Namespace, chosen: list[Case], results: dict[str, dict[str, Figures]]
) -> int:
    rows = [row(case, results[case.name], args.strict) for case in chosen]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = BENCH / "results" / f"metrics-{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    clocks = 0
    if "sla" in settings.INSTALLED_APPS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sla_clock")
            clocks = cursor.fetchone()[0]
    meta = {
        "incidents": Incident.objects.count(),
        "clocks": clocks,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "judged_on": "p99" if args.strict else "p50",
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "at": stamp,
    }
    for r in rows:
        r.pop("line")
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    print(
        f"\n{meta['incidents']:,} incidents, {clocks:,} clocks, {args.rounds} interleaved "
        f"rounds of {args.seconds:g} s, one connection, judged on {meta['judged_on']}"
    )
    print("| scenario | p50 / p99 ms | goal | ceiling p50 / p99 ms | ratio | SQL |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['scenario']} | {r['servicedesk_p50_ms']:.0f} / {r['servicedesk_p99_ms']:.0f}"
            f" | {goal_cell(r)} | "
            f"{r['ceiling_p50_ms']:.0f} / {r['ceiling_p99_ms']:.0f} | {r['ratio']:.2f} | "
            f"{r['servicedesk_sql']} |"
        )
    missed = [r["scenario"] for r in rows if not r["met"]]
    print(f"\nwritten to {out.relative_to(ROOT)}")
    if missed:
        print(f"MISSED: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    main()
