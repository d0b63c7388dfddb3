"""Benchmark: servicedesk over HTTP against the ceiling of its own stack, side by side.

Seeds PostgreSQL with N incidents shaped like the real ServiceNow log (``bench/seed.py``),
starts servicedesk and the ceiling (``bench/ceiling/``: bare Django views and the stock
admin on a plain table of the same size) under the production server as shipped
(``deploy/serve.py``, production settings), and drives both with ``wrk``, interleaved:
for every scenario, rounds alternate ceiling and servicedesk in the same minutes, so the
machine's drift hits both. Prints req/s, p50/p99, SQL per request and the ratio to the
ceiling for every scenario, and writes them to ``bench/results/web-<time>.json``.

    make bench                                   # 1,000,000 incidents
    .venv/bin/python bench/web.py --incidents 100000 --seconds 5
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

PRODUCT_DB = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench")
CEILING_DB = os.environ.get(
    "CEILING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench_ceiling"
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
from seed import ensure_database, seed_incidents  # noqa: E402
from serving import free_port, start_server, stop  # noqa: E402

ensure_database(PRODUCT_DB)
ensure_database(CEILING_DB)
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.tokens import api_token_issue  # noqa: E402
from catalog.models import Service, Team  # noqa: E402
from demo.data import TITLES as DEMO_TITLES  # noqa: E402
from incidents.models import Incident  # noqa: E402
from oncall.models import Schedule  # noqa: E402

TITLES = [title for titles in DEMO_TITLES.values() for title in titles]

# The ceiling's table, filled with as many rows as the desk has incidents.
CEILING_SEED = """
INSERT INTO ceiling_ticket (number, title, description, status, priority, team_id,
                            assignee_id, created_at)
SELECT 'T' || lpad(g::text, 8, '0'), 'Ticket ' || g,
       'Reported by phone; the caller has restarted twice and it still happens. ' || g,
       CASE WHEN g %% 50 = 0 THEN 2 WHEN g %% 100 = 1 THEN 1 ELSE 7 END,
       1 + g %% 5, 1 + g %% 71, 1 + g %% 9,
       now() - (%(stop)s - g) * interval '30 seconds'
FROM generate_series(%(start)s, %(stop)s) AS g
"""


@dataclass
class Scenario:
    name: str
    connections: int
    product: Request
    ceiling: Request
    goal: float
    """The ratio to reach (issue 10)."""


CEILING_SETUP = """
import json, sys
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from ceiling.models import Ticket
call_command("migrate", verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
target = int(sys.argv[1])
have = Ticket.objects.count()
if have < target:
    with connection.cursor() as cursor:
        cursor.execute(SEED, {"start": have + 1, "stop": target})
        cursor.execute("VACUUM ANALYZE ceiling_ticket")
admin = User.objects.filter(username="admin").first()
admin = admin or User.objects.create_superuser("admin", "a@example.com", "x")
client = Client()
client.force_login(admin)
counts = {}
for path in json.loads(sys.argv[2]):
    client.get(path)
    with CaptureQueriesContext(connection) as q:
        client.get(path)
    counts[path] = len(q)
ids = list(Ticket.objects.order_by("?").values_list("id", flat=True)[:200])
print(json.dumps({"session": client.cookies["sessionid"].value, "ids": ids, "counts": counts}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", default="", help="run scenarios whose name contains this")
    args = parser.parse_args()

    seed_incidents(args.incidents, TITLES)
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
    }

    ceiling_paths = ["/admin/ceiling/ticket/", "/admin/ceiling/ticket/1/change/"]
    ceiling_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "ceiling.settings",
        "CEILING_DATABASE_URL": CEILING_DB,
    }
    setup = subprocess.run(
        [
            PYTHON,
            "-c",
            f"SEED = {CEILING_SEED!r}\n" + CEILING_SETUP,
            str(args.incidents),
            json.dumps(ceiling_paths),
        ],
        env=ceiling_env,
        cwd=BENCH,
        check=True,
        capture_output=True,
        text=True,
    )
    ceiling = json.loads(setup.stdout.strip().splitlines()[-1])

    agent = User.objects.get(username="sam")
    caller = User.objects.filter(is_staff=False, is_active=True).first()
    service = Service.objects.filter(is_active=True).first()
    _, token = api_token_issue(agent, name="bench/web.py")
    admin = User.objects.get(username="admin")
    session = verified_session(admin)
    api = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    numbers = list(Incident.objects.order_by("?").values_list("number", "pk")[:200])
    c_ids = ceiling["ids"]

    create_body = json.dumps(
        {
            "title": "Checkout page slow {n}",
            "description": "Customers report timeouts at checkout.",
            "impact": 2,
            "urgency": 2,
            "service": service.pk,
            "caller": caller.pk,
        }
    )
    api_post = {**api, "Content-Type": "application/json"}
    cookie = {"Cookie": f"sessionid={session}"}
    c_cookie = {"Cookie": f"sessionid={ceiling['session']}"}
    creating = Request("POST", ["/api/v1/incidents/"], api_post, create_body)
    c_creating = Request(
        "POST",
        ["/tickets/"],
        {"Content-Type": "application/json"},
        json.dumps({"number": "N{n}", "title": "Checkout page slow"}),
    )
    # An agent covering a shift on their own team's schedule (oncall.configuration's rules).
    team = Team.objects.filter(members=agent).first() or Team.objects.create(name="Bench on call")
    team.members.add(agent)
    schedule, _ = Schedule.objects.get_or_create(team=team, name="Bench", time_zone="UTC")
    covering = Request(
        "POST",
        ["/api/v1/oncall/overrides/"],
        api_post,
        json.dumps(
            {
                "schedule": schedule.pk,
                "user": agent.pk,
                "starts_at": "2030-01-01T00:00:00Z",
                "ends_at": "2030-01-01T08:00:00Z",
                "reason": "Covering {n}",
            }
        ),
    )
    listing = Request("GET", ["/api/v1/incidents/?status=2&page_size=50"], api)
    c_listing = Request("GET", ["/tickets/?status=2"])
    scenarios = [
        Scenario("API list, 50 filtered rows, 8 connections", 8, listing, c_listing, 0.5),
        Scenario("API list, sequential", 1, listing, c_listing, 0.5),
        Scenario(
            "API retrieve one, 8 connections",
            8,
            Request("GET", [f"/api/v1/incidents/{n}/" for n, _ in numbers], api),
            Request("GET", [f"/tickets/{pk}/" for pk in c_ids]),
            0.5,
        ),
        Scenario("API create, sequential", 1, creating, c_creating, 0.3),
        Scenario("API create, 8 connections", 8, creating, c_creating, 0.3),
        Scenario("API on-call override create, sequential", 1, covering, c_creating, 0.3),
        Scenario(
            "Admin changelist, 2 connections",
            2,
            Request("GET", ["/admin/incidents/incident/"], cookie),
            Request("GET", ["/admin/ceiling/ticket/"], c_cookie),
            0.7,
        ),
        Scenario(
            "Admin change form, 2 connections",
            2,
            Request(
                "GET", [f"/admin/incidents/incident/{pk}/change/" for _, pk in numbers], cookie
            ),
            Request("GET", [f"/admin/ceiling/ticket/{pk}/change/" for pk in c_ids], c_cookie),
            0.7,
        ),
    ]
    scenarios = [s for s in scenarios if args.only.lower() in s.name.lower()]

    counter = Client()
    ceiling_counts = {
        "/admin/ceiling/ticket/": ceiling["counts"][ceiling_paths[0]],
        "/admin/ceiling/ticket/x/change/": ceiling["counts"][ceiling_paths[1]],
    }
    results: dict[str, dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        port, c_port = free_port(), free_port()
        servers = [
            start_server("servicedesk.wsgi:application", port, env, tmp / "product.log"),
            start_server("ceiling.wsgi:application", c_port, ceiling_env, tmp / "ceiling.log"),
        ]
        try:
            for scenario in scenarios:
                figures = {"ceiling": Figures(), "servicedesk": Figures()}
                figures["servicedesk"].queries = product_queries(counter, scenario.product)
                figures["ceiling"].queries = (
                    ceiling_counts["/admin/ceiling/ticket/"]
                    if "changelist" in scenario.name
                    else ceiling_counts["/admin/ceiling/ticket/x/change/"]
                    if "change form" in scenario.name
                    else 1
                )
                sides = [
                    ("ceiling", f"http://127.0.0.1:{c_port}", scenario.ceiling),
                    ("servicedesk", f"http://127.0.0.1:{port}", scenario.product),
                ]
                for _side, base, request in sides:  # answers as it should, then warm
                    check(base, request)
                    run_wrk(base, request, scenario.connections, 2, tmp)
                for round_ in range(args.rounds):
                    for side, base, request in sides if round_ % 2 == 0 else sides[::-1]:
                        got = run_wrk(base, request, scenario.connections, args.seconds, tmp)
                        f = figures[side]
                        f.rps.append(got["rps"])
                        f.p50.append(got["p50_ms"])
                        f.p99.append(got["p99_ms"])
                        f.errors += got["errors"]
                        f.bad_status += got["bad_status"]
                results[scenario.name] = figures
                print_row(scenario, figures, flush=True)
        finally:
            for server in servers:
                stop(server)
    report(args, scenarios, results)


def print_row(scenario: Scenario, figures: dict[str, Figures], flush: bool = False) -> None:
    c, p = figures["ceiling"], figures["servicedesk"]
    ratio = statistics.median(p.rps) / statistics.median(c.rps)
    mark = "met" if ratio >= scenario.goal else "NOT met"
    print(
        f"{scenario.name:40} ceiling {statistics.median(c.rps):7.1f} req/s  servicedesk "
        f"{statistics.median(p.rps):7.1f} req/s  ratio {ratio:5.2f} "
        f"(goal {scenario.goal}, {mark})  "
        f"p50/p99 {statistics.median(p.p50):.0f}/{max(p.p99):.0f} ms  SQL {p.queries} vs "
        f"{c.queries}  errors {p.errors}+{p.bad_status}",
        flush=flush,
    )


def report(
    args: argparse.Namespace, scenarios: list[Scenario], results: dict[str, dict[str, Figures]]
) -> None:
    rows = []
    for scenario in scenarios:
        c, p = results[scenario.name]["ceiling"], results[scenario.name]["servicedesk"]
        rows.append(
            {
                "scenario": scenario.name,
                "connections": scenario.connections,
                "goal": scenario.goal,
                "ceiling_rps": statistics.median(c.rps),
                "servicedesk_rps": statistics.median(p.rps),
                "ratio": statistics.median(p.rps) / statistics.median(c.rps),
                "ceiling_p50_ms": statistics.median(c.p50),
                "ceiling_p99_ms": max(c.p99),
                "servicedesk_p50_ms": statistics.median(p.p50),
                "servicedesk_p99_ms": max(p.p99),
                "servicedesk_sql": p.queries,
                "ceiling_sql": c.queries,
                "servicedesk_errors": p.errors + p.bad_status,
                "ceiling_errors": c.errors + c.bad_status,
                "rounds": {"ceiling": asdict(c), "servicedesk": asdict(p)},
            }
        )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = BENCH / "results" / f"web-{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    meta = {
        "incidents": Incident.objects.count(),
        "seconds": args.seconds,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "at": stamp,
    }
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    print(
        f"\n{meta['incidents']:,} incidents, {args.rounds} interleaved rounds of {args.seconds:g} s"
    )
    print(
        "| scenario | ceiling req/s | servicedesk req/s | ratio (goal) "
        "| servicedesk p50 / p99 ms | SQL (ceiling) |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['scenario']} | {r['ceiling_rps']:.0f} | {r['servicedesk_rps']:.0f} | "
            f"{r['ratio']:.2f} (≥ {r['goal']}) | {r['servicedesk_p50_ms']:.0f} / "
            f"{r['servicedesk_p99_ms']:.0f} | {r['servicedesk_sql']} ({r['ceiling_sql']}) |"
        )
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
