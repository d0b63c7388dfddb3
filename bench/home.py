"""Benchmark: the agents' home (the admin index, ``kernel.admin.home``, issue 16) at
1,000,000 incidents, servicedesk against the ceiling of its own stack.

Uses the shared desk of ``million.py`` (PostgreSQL ``sd_million``, seeded once, ~15 min;
``MILLION_DATABASE_URL`` to change it). Starts servicedesk twice and the ceiling under the
production server as shipped (``deploy/serve.py``, 2 gunicorn workers, ``DEBUG=0``):
servicedesk as configured by default (``HOME_REFRESH_SECONDS=60``: the charts and the SLA
queues, the same for every agent, come from the cache and are recomputed once a minute)
and with ``HOME_REFRESH_SECONDS=0`` (every figure read on every request, the cost of the
request that refreshes them). The ceiling's bare view (``ceiling/views.py``: ``home``) is
one statement: the agent's two incident queues, the open incidents by priority and the
created and resolved per day over 14 days, as JSON; no auth, no SLA, no MTTx trend, no
page. The agent is a member of a team, signed in with a verified second factor. Each
scenario is one connection (the time one person waits), rounds interleaved (the order
flips each round). Prints p50/p99, req/s, SQL per request and the ratio to the ceiling,
checks the issue's goal (the home under 200 ms: the median answer, or the 99th
percentile with ``--strict``), writes ``bench/results/home-<time>.json`` and exits 1 on a
miss.

    .venv/bin/python bench/home.py                   # seeds on first use
    .venv/bin/python bench/home.py --only "the default" --seconds 5 --rounds 2
    .venv/bin/python bench/home.py --explain         # statements and the slowest's plan
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import goals  # noqa: E402
import million  # noqa: E402

goals.environment(million.URL)

import django  # noqa: E402
from goals import Case  # noqa: E402
from load import Request, verified_session  # noqa: E402

million.ensure_database()
django.setup()

from django.conf import settings  # noqa: E402

from accounts.models import User  # noqa: E402
from incidents.models import Incident  # noqa: E402

# servicedesk twice: the default (the shared figures cached a minute) and every figure
# read on every request (``Case.server="fresh"``).
HOME = goals.Bench(
    "home",
    million.URL,
    servers={
        "servicedesk": {"HOME_REFRESH_SECONDS": "60"},
        "fresh": {"HOME_REFRESH_SECONDS": "0"},
    },
)
GOAL_MS = 200.0


def agent_session() -> tuple[User, dict[str, str]]:
    """An agent in a team, with the most open incidents in their groups: the queues count
    something. Signed in with a verified second factor, as a cookie header."""
    agent = (
        User.objects.filter(is_staff=True, is_active=True, is_superuser=False, teams__isnull=False)
        .order_by("id")
        .first()
    )
    assert agent is not None, "the demo desk has agents in teams"
    return agent, {"Cookie": f"sessionid={verified_session(agent)}"}


def cases(args: argparse.Namespace, agent: User, cookie: dict[str, str]) -> list[Case]:
    ceiling = Request("GET", [f"/home/?user={agent.pk}"])
    record = Incident.objects.filter(status__in=(1, 2, 3)).order_by("-id").first()
    assert record is not None
    found = [
        Case(
            "Home, an agent (HOME_REFRESH_SECONDS=60, the default)",
            GOAL_MS,
            Request("GET", ["/admin/"], cookie),
            ceiling,
        ),
        Case(
            "Home, an agent, every figure afresh (HOME_REFRESH_SECONDS=0, reference)",
            None,
            Request("GET", ["/admin/"], cookie),
            ceiling,
            server="fresh",
        ),
        Case(
            f"Record page of an open incident ({record.number}, reference)",
            None,
            Request("GET", [f"/admin/incidents/incident/{record.pk}/change/"], cookie),
            Request("GET", [f"/record/{record.pk}/"]),
        ),
    ]
    return goals.only(found, args.only)


def counting(case: Case) -> None:
    """Count SQL on the settings of the server that answers (the cache on or off)."""
    settings.HOME_REFRESH_SECONDS = 0 if case.server == "fresh" else 60


def meta() -> tuple[dict[str, object], str]:
    open_ = Incident.objects.filter(status__in=(1, 2, 3)).count()
    incidents = Incident.objects.count()
    return {"incidents": incidents, "open_incidents": open_}, (
        f"{incidents:,} incidents ({open_:,} open)"
    )


def main() -> None:
    args = goals.arguments(__doc__.split("\n")[0], incidents=million.INCIDENTS).parse_args()
    million.seed(args.incidents)
    agent, cookie = agent_session()
    chosen = cases(args, agent, cookie)
    settings.HOME_REFRESH_SECONDS = 0  # --explain: count and explain every statement
    sys.exit(goals.run(HOME, args, chosen, meta, counting))


if __name__ == "__main__":
    main()
