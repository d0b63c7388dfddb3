"""The harness of the benchmarks that judge an issue's time goal (``metrics.py``,
``search.py``, ``home.py``): servicedesk and the ceiling under the production server as
shipped (``deploy/serve.py``, 2 gunicorn workers, ``DEBUG=0``) on the same database, each
scenario on one connection (the time one person waits), rounds interleaved (the order
flips each round, so the machine's drift hits both sides); p50 (the median round), p99
(the worst round), req/s, SQL per request and the ratio to the ceiling; the goal judged on
p50, or on p99 with ``--strict``; ``bench/results/<prefix>-<time>.json`` written; exit
status 1 on a miss. ``--explain`` runs each scenario once in this process instead.

A benchmark declares only what is its own: a ``Bench`` (results prefix, database, its
servers), its ``Case`` list, its credentials and seeding, and its own meta fields::

    goals.environment(URL)          # before django.setup()
    ...
    sys.exit(goals.run(bench, args, cases, meta))
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from load import Figures, Request, check, product_queries, run_wrk
from serving import free_port, start_server, stop

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
SECOND = 1000.0

Meta = Callable[[], tuple[dict[str, Any], str]]
"""A benchmark's own meta fields (first in the JSON) and the words that open the summary
line ("1,000,000 incidents, 2,000,000 clocks"), read after the rounds."""


@dataclass
class Bench:
    """What one goal benchmark declares besides its cases."""

    prefix: str
    """Its results file: ``bench/results/<prefix>-<time>.json``."""
    database_url: str
    servers: dict[str, dict[str, str]] = field(default_factory=lambda: {"servicedesk": {}})
    """servicedesk's servers by name (``Case.server``), each its environment over the
    shipped one."""
    width: int = 62
    """The scenario column of the line printed per scenario."""
    rps: bool = True
    """req/s in that line and in the table."""
    load: bool = True
    """The machine's load in the summary line."""


@dataclass
class Case:
    name: str
    goal_ms: float | None
    """None: a reference, measured and not judged."""
    product: Request
    ceiling: Request
    server: str = "servicedesk"
    """Which of ``Bench.servers`` answers."""


def environment(database_url: str) -> None:
    """This process's environment, before ``django.setup()``."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # The sessions made here must hold on the server: both sign with the same key.
    os.environ["SECRET_KEY"] = "bench-only-" + "x" * 50
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")


def arguments(description: str, incidents: int) -> argparse.ArgumentParser:
    """The options every goal benchmark takes; a benchmark adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--incidents", type=int, default=incidents)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", default="", help="run scenarios whose name contains this")
    parser.add_argument("--strict", action="store_true", help="judge the goals on p99")
    parser.add_argument(
        "--explain", action="store_true", help="time each statement in-process, plan the slowest"
    )
    return parser


def only(cases: list[Case], text: str) -> list[Case]:
    return [c for c in cases if text.lower() in c.name.lower()]


def run(
    bench: Bench,
    args: argparse.Namespace,
    chosen: list[Case],
    meta: Meta,
    counting: Callable[[Case], None] | None = None,
) -> int:
    """Explain or measure ``chosen``; the exit status (1 on a missed goal).

    ``counting`` prepares this process to count a case's SQL as the server that answers
    it would run it (``home.py``: the cache of its figures on or off)."""
    settings.DEBUG = False
    if args.explain:
        explain(chosen)
        return 0
    return report(bench, args, chosen, measure(bench, args, chosen, counting), meta)


def shipped_env(database_url: str) -> dict[str, str]:
    """The production server's environment on the benchmark's database."""
    return {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": BROKER,
        "CONN_MAX_AGE": "600",
        "API_RATE_USER": "1000000/min",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(BENCH),
        "WEB_TIMEOUT": "120",
    }


def measure(
    bench: Bench,
    args: argparse.Namespace,
    chosen: list[Case],
    counting: Callable[[Case], None] | None = None,
) -> dict[str, dict[str, Figures]]:
    env = shipped_env(bench.database_url)
    ceiling_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "ceiling.settings",
        "CEILING_DATABASE_URL": bench.database_url,
    }
    counter = Client()
    results: dict[str, dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        ports = {name: free_port() for name in bench.servers}
        c_port = free_port()
        servers = [
            start_server(
                "servicedesk.wsgi:application", ports[name], {**env, **extra}, tmp / f"{name}.log"
            )
            for name, extra in bench.servers.items()
        ]
        servers.append(
            start_server("ceiling.wsgi:application", c_port, ceiling_env, tmp / "ceiling.log")
        )
        try:
            for case in chosen:
                figures = {"ceiling": Figures(queries=1), "servicedesk": Figures()}
                if counting:
                    counting(case)
                figures["servicedesk"].queries = product_queries(counter, case.product)
                sides = [
                    ("ceiling", f"http://127.0.0.1:{c_port}", case.ceiling),
                    ("servicedesk", f"http://127.0.0.1:{ports[case.server]}", case.product),
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
                print(row(bench, case, figures, args.strict)["line"], flush=True)
        finally:
            for server in servers:
                stop(server)
    return results


def row(bench: Bench, case: Case, figures: dict[str, Figures], strict: bool) -> dict:
    c, p = figures["ceiling"], figures["servicedesk"]
    p50, p99 = statistics.median(p.p50), max(p.p99)
    judged = p99 if strict else p50
    goal = case.goal_ms if case.goal_ms is not None else float("inf")
    met = judged < goal and not p.errors and not p.bad_status
    goal_words = f"goal < {case.goal_ms:.0f}" if case.goal_ms is not None else "no goal"
    ratio = statistics.median(p.rps) / statistics.median(c.rps)
    rps = f"  {statistics.median(p.rps):6.1f} req/s" if bench.rps else ""
    line = (
        f"{case.name:{bench.width}} p50/p99 {p50:6.0f}/{p99:6.0f} ms ({goal_words}: "
        f"{'met' if met else 'MISSED'}){rps}  ceiling "
        f"{statistics.median(c.p50):5.0f}/{max(c.p99):5.0f} ms  ratio {ratio:4.2f}  "
        f"SQL {p.queries} vs {c.queries}  errors {p.errors}+{p.bad_status}"
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
    bench: Bench,
    args: argparse.Namespace,
    chosen: list[Case],
    results: dict[str, dict[str, Figures]],
    meta: Meta,
) -> int:
    """The JSON file and the table; 1 if a goal was missed."""
    rows = [row(bench, case, results[case.name], args.strict) for case in chosen]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = BENCH / "results" / f"{bench.prefix}-{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    own, words = meta()
    written = {
        **own,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "judged_on": "p99" if args.strict else "p50",
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "at": stamp,
    }
    for r in rows:
        r.pop("line")
    out.write_text(json.dumps({"meta": written, "rows": rows}, indent=2) + "\n")
    load = f", load {written['load'][0]:.1f}" if bench.load else ""
    print(
        f"\n{words}, {args.rounds} interleaved rounds of {args.seconds:g} s, one connection, "
        f"judged on {written['judged_on']}{load}"
    )
    rps_head, rps_rule = (" req/s |", "---|") if bench.rps else ("", "")
    print(f"| scenario | p50 / p99 ms |{rps_head} goal | ceiling p50 / p99 ms | ratio | SQL |")
    print(f"|---|---|{rps_rule}---|---|---|---|")
    for r in rows:
        rps = f" {r['servicedesk_rps']:.1f} |" if bench.rps else ""
        print(
            f"| {r['scenario']} | {r['servicedesk_p50_ms']:.0f} / {r['servicedesk_p99_ms']:.0f}"
            f" |{rps} {goal_cell(r)} | "
            f"{r['ceiling_p50_ms']:.0f} / {r['ceiling_p99_ms']:.0f} | {r['ratio']:.2f} | "
            f"{r['servicedesk_sql']} |"
        )
    missed = [r["scenario"] for r in rows if not r["met"]]
    print(f"\nwritten to {out.relative_to(ROOT)}")
    if missed:
        print(f"MISSED: {', '.join(missed)}")
    return 1 if missed else 0


def explain(chosen: list[Case]) -> None:
    """Where a scenario's time goes, in this process: its slowest statements' times, and
    the plan of the slowest (EXPLAIN ANALYZE), to tell the owner what to index or reshape."""
    client = Client()
    for case in chosen:
        request = case.product
        client.get(request.paths[0], headers=request.headers)  # warm
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(request.paths[0], headers=request.headers)
            took = (time.perf_counter() - started) * SECOND
        timed = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        print(f"\n== {case.name}: {response.status_code}, {took:.0f} ms, {len(timed)} statements")
        for query in timed[:6]:
            print(f"  {float(query['time']) * SECOND:7.1f} ms  {query['sql'][:150]}")
        slowest = timed[0]["sql"] if timed else ""
        if slowest.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest)
                print("\n".join("    " + line for (line,) in cursor.fetchall()))
