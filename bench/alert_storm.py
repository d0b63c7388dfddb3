"""Benchmark: an alert storm, servicedesk's alert intake against the ceiling's one-row insert.

10,000 Prometheus Alertmanager webhook posts (``version: "4"``, one alert each, no two
bodies alike) carrying 200 distinct fingerprints, sent by ``wrk`` at concurrency 16 to
``POST /api/v1/integrations/{key}/alerts/`` of an integration made for the run, and the
same bodies to the ceiling's bare insert view (``bench/ceiling/``: parse, insert one row,
202), both under the production server as shipped (``deploy/serve.py``), interleaved in
rounds in the same minutes. Prints req/s, p50/p99, SQL per request and the ratio to the
ceiling, writes ``bench/results/alert-storm-<time>.json``, then checks what the storm left:
exactly 200 open incidents from its alerts, no 5xx, the alerts' counts adding up to the
posts. Exits non-zero when a check fails.

    .venv/bin/python bench/alert_storm.py                      # 10,000 posts, 5 rounds
    .venv/bin/python bench/alert_storm.py --posts 2000 --rounds 2
    .venv/bin/python bench/alert_storm.py --profile 2000       # where the time goes, in-process
"""

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

PRODUCT_DB = os.environ.get(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench_alerts"
)
CEILING_DB = os.environ.get(
    "CEILING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench_ceiling"
)
BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
os.environ["DATABASE_URL"] = PRODUCT_DB
os.environ["CELERY_BROKER_URL"] = BROKER
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

import django  # noqa: E402
from seed import ensure_database  # noqa: E402
from serving import free_port, start_server, stop  # noqa: E402

ensure_database(PRODUCT_DB)
ensure_database(CEILING_DB)
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from alerts.models import Alert, Integration, Kind  # noqa: E402
from catalog.models import Service  # noqa: E402
from incidents.models import OPEN_STATES, Incident  # noqa: E402
from oncall.models import EscalationLevel, EscalationPolicy  # noqa: E402

STORM = "bench/alert_storm.py"
SIDELINE = "bench/alert_storm.py (warm-up and counting)"
"""Its own integration: the posts that warm the servers and count SQL stay out of the storm's."""
ALERT_NAMES = ("HighErrorRate", "HighLatency", "InstanceDown", "DiskWillFillIn4Hours", "OOMKilled")

# wrk runs for a duration, not a count, so each thread counts for itself: it posts the
# bodies of its own file once each, then idles (delay) until its last answer is in, stops,
# and leaves a file saying so; the harness then interrupts wrk (SIGINT), whose main thread
# sleeps out -d otherwise. The rate's clock is the threads' own: first post to last answer.
# wrk calls delay() before each request() of a connection; a slot is claimed there, so two
# connections cannot both take the last body. wrk also calls the first thread's request()
# once before any connection opens, to inspect the request: that call sends nothing.
WRK_SCRIPT = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC: one clock for every thread
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end
local path = %(path)s
local headers = {%(headers)s}
bodies = {}
claimed = 0
sent = 0
received = 0
statuses = {}
started = 0
finished = 0
local threads = {}
-- Each thread's number, a global of its own Lua state (set from the main state): a
-- chunk-level "local tid" would shadow it.
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  for line in io.lines(string.format(%(bodies)s, tid)) do
    bodies[#bodies + 1] = line
  end
end
function delay()
  if claimed >= #bodies then
    return 3600000
  end
  claimed = claimed + 1
  return 0
end
function request()
  if claimed == 0 then
    return wrk.format("POST", path, headers, bodies[1])
  end
  sent = sent + 1
  if sent == 1 then
    started = now()
  end
  return wrk.format("POST", path, headers, bodies[sent])
end
function response(status, headers, body)
  received = received + 1
  statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  if received == #bodies then
    finished = now()
    wrk.thread:stop()
    local f = io.open(string.format(%(finished)s, tid), "w")
    f:write("done")
    f:close()
  end
end
function done(summary, latency, requests)
  local totals, counts = {}, {}
  local first, last = math.huge, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
    first = math.min(first, thread:get("started"))
    last = math.max(last, thread:get("finished"))
  end
  for status, n in pairs(totals) do
    counts[#counts + 1] = string.format('"%%s": %%d', status, n)
  end
  local f = io.open(%(out)s, "w")
  f:write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, "errors": %%d, '
    .. '"statuses": {%%s}}',
    summary.requests, last - first, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(counts, ", ")))
  f:close()
end
"""


@dataclass
class Side:
    """One server's figures, round by round."""

    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    posts: int = 0
    answered: int = 0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    sql: dict[str, int] = field(default_factory=dict)

    def add(self, got: dict[str, Any], posts: int) -> None:
        self.rps.append(got["requests"] / got["seconds"])
        self.p50.append(got["p50_ms"])
        self.p99.append(got["p99_ms"])
        self.posts += posts
        self.answered += got["requests"]
        self.errors += got["errors"]
        for status, n in got["statuses"].items():
            self.statuses[status] = self.statuses.get(status, 0) + n

    def count(self, prefix: str) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith(prefix))


def fingerprint(k: int) -> str:
    return hashlib.sha256(f"bench-alert-{k}".encode()).hexdigest()[:16]


def body(n: int, k: int, starts_at: datetime) -> str:
    """Post ``n`` of fingerprint ``k``: the same alert each time (labels, start), a new value
    in its annotations, as Alertmanager re-sends a firing alert whose value moved."""
    name = ALERT_NAMES[k % len(ALERT_NAMES)]
    labels = {
        "alertname": name,
        "instance": f"node-{k:03d}:9100",
        "job": "node",
        "service": "checkout",
        "severity": "critical" if k % 4 == 0 else "warning",
    }
    annotations = {
        "summary": f"{name} on node-{k:03d}",
        "description": f"{name} has held on node-{k:03d} for more than 5 minutes.",
        "value": f"{0.05 + n / 1e6:.6f}",
    }
    alert = {
        "status": "firing",
        "labels": labels,
        "annotations": annotations,
        "startsAt": (starts_at + timedelta(seconds=k)).isoformat().replace("+00:00", "Z"),
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": f"http://prometheus.example:9090/graph?g0.expr=up%7Binstance%3D%22node-{k:03d}%22%7D",
        "fingerprint": fingerprint(k),
    }
    payload = {
        "receiver": "servicedesk",
        "status": "firing",
        "alerts": [alert],
        "groupLabels": {"alertname": name},
        "commonLabels": labels,
        "commonAnnotations": annotations,
        "externalURL": "http://alertmanager.example:9093",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{name}"}}',
        "truncatedAlerts": 0,
    }
    return json.dumps(payload, separators=(",", ":"))


def storm(posts: int, fingerprints: int, starts_at: datetime, offset: int = 0) -> list[str]:
    """``posts`` bodies, each fingerprint equally often, in a shuffled (seeded) order: some
    posts of one alert arrive together, as in a real storm."""
    keys = [offset + i % fingerprints for i in range(posts)]
    random.Random(12).shuffle(keys)
    return [body(offset * 1000 + n, k, starts_at) for n, k in enumerate(keys)]


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal here


def run_wrk(
    base: str, path: str, headers: dict[str, str], bodies: list[str], connections: int, tmp: Path
) -> dict[str, Any]:
    """Post each body once at ``connections`` at a time; the answers' statuses, the rate's
    clock (first post to last answer) and wrk's p50/p99."""
    threads = min(2, connections)
    run = tmp / f"wrk-{random.randrange(10**9)}"
    run.mkdir()
    for t in range(threads):  # wrk numbers its threads from 1
        (run / f"bodies-{t + 1}.txt").write_text("\n".join(bodies[t::threads]) + "\n")
    script = run / "script.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "path": lua_string(path),
            "headers": ", ".join(
                f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()
            ),
            "bodies": lua_string(str(run / "bodies-%d.txt")),
            "finished": lua_string(str(run / "finished-%d")),
            "out": lua_string(str(run / "out.json")),
        }
    )
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        "-d600s",  # a cap: the threads stop after their last answer
        "--timeout",
        "30s",
        "-s",
        str(script),
        base,
    ]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL) as wrk:
        while wrk.poll() is None and len(list(run.glob("finished-*"))) < threads:
            time.sleep(0.02)
        wrk.send_signal(signal.SIGINT)
        if wrk.wait(timeout=30):
            raise SystemExit(f"wrk failed ({wrk.returncode})")
    got: dict[str, Any] = json.loads((run / "out.json").read_text())
    got["statuses"] = {k: int(v) for k, v in got["statuses"].items()}
    return got


def post_one(base: str, path: str, headers: dict[str, str], data: str) -> None:
    """One post by hand: a side that refuses measures nothing."""
    request = urllib.request.Request(base + path, data=data.encode(), method="POST")
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"POST {base}{path} answered {exc.code}: {exc.read()[:300]!r}") from exc
    if status != 202:
        raise SystemExit(f"POST {base}{path} answered {status}, not 202")


CEILING_SETUP = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
call_command("migrate", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("TRUNCATE ceiling_alert")
client = Client()
bodies = json.loads(sys.argv[1])
client.post("/alerts/", bodies[0], content_type="application/json")
with CaptureQueriesContext(connection) as q:
    answer = client.post("/alerts/", bodies[1], content_type="application/json")
assert answer.status_code == 202, answer.content
print(json.dumps({"sql": len(q)}))
"""


def ceiling_rows(env: dict[str, str]) -> int:
    code = (
        "import django; django.setup()\n"
        "from ceiling.models import Alert\n"
        "print(Alert.objects.count())"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], env=env, cwd=BENCH, check=True, capture_output=True, text=True
    )
    return int(done.stdout.strip())


def desk() -> Service:
    """The demo desk (loaded on first use) and a service whose critical incidents page
    someone at once, as a real storm would."""
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="admin").exists():
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
    service = Service.objects.filter(is_active=True).order_by("pk").first()
    assert service is not None, "the demo desk has no service"
    policy, made = EscalationPolicy.objects.get_or_create(
        name="bench/alert_storm.py", defaults={"page_priorities": [1], "page_severities": [1, 2]}
    )
    if made:
        policy.services.add(service)
        EscalationLevel.objects.create(
            policy=policy, user=User.objects.get(username="sam"), delay=timedelta(minutes=15)
        )
    return service


def integration(name: str, service: Service) -> Integration:
    """A fresh integration for the run: the checks read only what it received."""
    Integration.objects.filter(name=name).delete()
    return Integration.objects.create(name=name, kind=Kind.ALERTMANAGER, service=service)


def product_sql(sideline: Integration, starts_at: datetime) -> dict[str, int]:
    """SQL per request, counted in-process on the same settings (the server runs DEBUG off
    and cannot count): a new alert's first post (it opens an incident) and a later post of
    the same alert (it adds to the count), on the sideline integration."""
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {sideline.secret}"}
    counted = {}
    for label, n in (("warm", 0), ("new alert", 1), ("repeat", 2)):
        k = 90_000 + (0 if label == "repeat" else n)
        data = body(90_000 + n, k, starts_at)
        # A full query log (9,000 entries, after the demo load) would count 0.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(sideline.path, data, content_type="application/json", **headers)
        assert answer.status_code == 202, (answer.status_code, answer.content[:300])
        counted[label] = len(queries)
    del counted["warm"]
    return counted


def profile(posts: int, service: Service) -> None:
    """Where the intake's time goes: ``posts`` storm posts through Django's test client in
    this one process under cProfile (DEBUG off), on an integration of their own."""
    settings.DEBUG = False
    target = integration("bench/alert_storm.py (profile)", service)
    bodies = storm(posts, min(200, posts), datetime.now(UTC) - timedelta(minutes=10), 50_000)
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {target.secret}"}
    profiler = cProfile.Profile()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        profiler.enable()
        for data in bodies:
            answer = client.post(target.path, data, content_type="application/json", **headers)
            assert answer.status_code == 202, (answer.status_code, answer.content[:300])
        profiler.disable()
    seconds = time.perf_counter() - started
    out = ROOT / "var" / f"alert-storm-profile-{time.strftime('%Y%m%d-%H%M%S')}.pstats"
    out.parent.mkdir(exist_ok=True)
    profiler.dump_stats(out)
    print(
        f"{posts} posts in one process: {posts / seconds:.0f} posts/s, "
        f"{len(queries) / posts:.1f} SQL per post (profiled; the rate is lower than unprofiled)"
    )
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    print(f"written to {out.relative_to(ROOT)} (python -m pstats {out.relative_to(ROOT)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--fingerprints", type=int, default=200)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--ceiling-only", action="store_true", help="measure the ceiling alone (no checks)"
    )
    parser.add_argument("--profile", type=int, default=0, metavar="POSTS")
    args = parser.parse_args()
    if args.posts % args.rounds or args.posts < args.fingerprints:
        raise SystemExit("--posts must be a multiple of --rounds and at least --fingerprints")

    if args.profile:
        profile(args.profile, desk())
        return
    starts_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    bodies = storm(args.posts, args.fingerprints, starts_at)
    warm = storm(400, 40, starts_at, offset=1000)
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "DATABASE_URL": PRODUCT_DB,
        "CELERY_BROKER_URL": BROKER,
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(BENCH),
    }
    ceiling_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "ceiling.settings",
        "CEILING_DATABASE_URL": CEILING_DB,
    }
    setup = subprocess.run(
        [PYTHON, "-c", CEILING_SETUP, json.dumps(warm[:2])],
        env=ceiling_env,
        cwd=BENCH,
        check=True,
        capture_output=True,
        text=True,
    )
    sides: dict[str, Side] = {"ceiling": Side(sql={"insert": json.loads(setup.stdout)["sql"]})}
    targets = {"ceiling": ("/alerts/", {"Content-Type": "application/json"}, "/alerts/")}

    storm_integration = sideline = None
    if not args.ceiling_only:
        service = desk()
        storm_integration = integration(STORM, service)
        sideline = integration(SIDELINE, service)
        settings.DEBUG = False
        sides["servicedesk"] = Side(sql=product_sql(sideline, starts_at))
        json_headers = {"Content-Type": "application/json"}
        targets["servicedesk"] = (
            storm_integration.path,
            {**json_headers, "Authorization": f"Bearer {storm_integration.secret}"},
            sideline.path,
        )
        sideline_headers = {**json_headers, "Authorization": f"Bearer {sideline.secret}"}

    per_round = args.posts // args.rounds
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        servers = []
        bases = {}
        try:
            for name in sides:
                port = free_port()
                app = (
                    "ceiling.wsgi:application"
                    if name == "ceiling"
                    else "servicedesk.wsgi:application"
                )
                servers.append(
                    start_server(
                        app,
                        port,
                        ceiling_env if name == "ceiling" else env,
                        tmp / f"{name}.log",
                        workers=args.workers,
                    )
                )
                bases[name] = f"http://127.0.0.1:{port}"
            for name in sides:  # answers as it should, then warm (off the storm's integration)
                path, headers, warm_path = targets[name]
                warm_headers = headers if name == "ceiling" else sideline_headers
                post_one(bases[name], warm_path, warm_headers, warm[2])
                run_wrk(bases[name], warm_path, warm_headers, warm[3:], args.connections, tmp)
            c_rows_before = ceiling_rows(ceiling_env)  # after the warm-up's rows
            order = list(sides)
            for round_ in range(args.rounds):
                chunk = bodies[round_ * per_round : (round_ + 1) * per_round]
                for name in order if round_ % 2 == 0 else order[::-1]:
                    path, headers, _ = targets[name]
                    got = run_wrk(bases[name], path, headers, chunk, args.connections, tmp)
                    sides[name].add(got, len(chunk))
                    print(
                        f"round {round_ + 1}/{args.rounds} {name:12} "
                        f"{got['requests'] / got['seconds']:7.1f} req/s  "
                        f"p50/p99 {got['p50_ms']:.1f}/{got['p99_ms']:.1f} ms  "
                        f"answers {got['statuses']}",
                        flush=True,
                    )
        finally:
            for server in servers:
                stop(server)

    checks = verify(args, sides, storm_integration, ceiling_rows(ceiling_env) - c_rows_before)
    report(args, sides, checks)
    if not all(check["ok"] for check in checks):
        sys.exit(1)


def verify(
    args: argparse.Namespace,
    sides: dict[str, Side],
    storm_integration: Integration | None,
    ceiling_inserted: int,
) -> list[dict[str, Any]]:
    """What the storm must have left behind (issue 12, Must show 1)."""
    c = sides["ceiling"]
    checks = [
        ("ceiling: every post answered 202", args.posts, c.statuses.get("202", 0)),
        ("ceiling: one row per post", args.posts, ceiling_inserted),
    ]
    if storm_integration is not None:
        p = sides["servicedesk"]
        alerts = Alert.objects.filter(integration=storm_integration)
        incidents = Incident.objects.filter(alerts__integration=storm_integration).distinct()
        counted = alerts.aggregate(total=Sum("count"))["total"] or 0
        checks += [
            ("servicedesk: 5xx answers", 0, p.count("5")),
            ("servicedesk: socket errors and timeouts", 0, p.errors),
            ("servicedesk: posts answered 202", args.posts, p.statuses.get("202", 0)),
            (
                "servicedesk: incidents from the storm's alerts",
                args.fingerprints,
                incidents.count(),
            ),
            (
                "servicedesk: of them open",
                args.fingerprints,
                incidents.filter(status__in=OPEN_STATES).count(),
            ),
            ("servicedesk: alerts (one per fingerprint)", args.fingerprints, alerts.count()),
            ("servicedesk: sum(Alert.count) == posts", args.posts, counted),
        ]
    return [
        {"check": name, "expected": expected, "got": got, "ok": expected == got}
        for name, expected, got in checks
    ]


def report(args: argparse.Namespace, sides: dict[str, Side], checks: list[dict[str, Any]]) -> None:
    rows = {
        name: {
            "rps": statistics.median(side.rps),
            "p50_ms": statistics.median(side.p50),
            "p99_ms": max(side.p99),
            "sql": side.sql,
            "posts": side.posts,
            "answered": side.answered,
            "statuses": side.statuses,
            "errors": side.errors,
            "rounds": asdict(side),
        }
        for name, side in sides.items()
    }
    ratio = rows["servicedesk"]["rps"] / rows["ceiling"]["rps"] if "servicedesk" in rows else None
    # Each round's two sides ran back to back, so their ratio shares the machine's state
    # of that minute: a second reading of the ratio, steadier when the machine drifts.
    paired = (
        [p / c for p, c in zip(sides["servicedesk"].rps, sides["ceiling"].rps, strict=True)]
        if "servicedesk" in sides
        else []
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    meta = {
        "posts": args.posts,
        "fingerprints": args.fingerprints,
        "connections": args.connections,
        "rounds": args.rounds,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "commit": git_commit(),
        "at": stamp,
    }
    out = BENCH / "results" / f"alert-storm-{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "meta": meta,
                "sides": rows,
                "ratio": ratio,
                "ratio_per_round": paired,
                "goal": 0.5,
                "checks": checks,
            },
            indent=2,
        )
        + "\n"
    )
    print(
        f"\n{args.posts:,} Alertmanager posts, {args.fingerprints} fingerprints, "
        f"{args.connections} connections, {args.rounds} interleaved rounds of "
        f"{args.posts // args.rounds:,} each side"
    )
    print("| side | req/s (median round) | p50 / p99 ms | SQL per request |")
    print("|---|---|---|---|")
    for name, row in rows.items():
        sql = ", ".join(f"{k} {v}" for k, v in row["sql"].items())
        print(f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.1f} / {row['p99_ms']:.1f} | {sql} |")
    if ratio is not None:
        mark = "met" if ratio >= 0.5 else "NOT met"
        print(f"\nratio servicedesk/ceiling {ratio:.2f} (goal ≥ 0.5, {mark})")
        print(
            f"ratio round by round {', '.join(f'{r:.2f}' for r in paired)}: "
            f"median {statistics.median(paired):.2f} (round 1 opens the incidents)"
        )
    print()
    for check in checks:
        mark = "ok  " if check["ok"] else "FAIL"
        print(f"{mark} {check['check']}: expected {check['expected']}, got {check['got']}")
    print(f"\nwritten to {out.relative_to(ROOT)}")


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip()


if __name__ == "__main__":
    main()
