"""Benchmark: the one search (``kernel.search``, issue 16) at 1,000,000 incidents with five
timeline entries each, servicedesk against the ceiling of its own stack.

Uses the shared desk of ``million.py`` (PostgreSQL ``sd_million``, seeded once, ~15 min;
``MILLION_DATABASE_URL`` to change it). Starts servicedesk and the ceiling under the
production server as shipped (``deploy/serve.py``, 2 gunicorn workers, ``DEBUG=0``); the
ceiling runs on the same database, its bare view (``ceiling/views.py``: ``search``) one
statement: the ten best incidents by their own text and their notes, on the same
full-text columns, with no auth, no visibility rule and no other record type. Each
scenario is one connection (the time one person waits), rounds interleaved (the order
flips each round). Prints p50/p99, req/s, SQL per request and the ratio to the ceiling,
checks the issue's goal (a two-word query under 200 ms: the median answer, or the 99th
percentile with ``--strict``), writes ``bench/results/search-<time>.json`` and exits 1
on a miss.

    .venv/bin/python bench/search.py                 # seeds on first use
    .venv/bin/python bench/search.py --only "API" --seconds 5 --rounds 2
    .venv/bin/python bench/search.py --explain       # statements and the slowest's plan
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

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

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.tokens import api_token_issue  # noqa: E402
from incidents.models import Incident  # noqa: E402

SEARCH = goals.Bench("search", million.URL)
GOAL_MS = 200.0
# Two words of a title (one subject x symptom pair of 1,200: about 830 incidents), two of
# a work note (one component of 50: about 20,000 notes), and a number.
TITLE_WORDS = "printer jams"
NOTE_WORDS = "mail relay"
NUMBER = "inc500000"


def credentials() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """An agent's API token, a caller's, and a second-factor admin session, as headers."""
    agent = User.objects.filter(is_staff=True, is_active=True, is_superuser=False).first()
    caller = User.objects.filter(is_staff=False, is_active=True).order_by("id").first()
    assert agent is not None, "the demo desk has agents"
    assert caller is not None, "the demo desk has callers"
    _, agent_token = api_token_issue(agent, name="bench/search.py")
    _, caller_token = api_token_issue(caller, name="bench/search.py")
    accept = {"Accept": "application/json"}
    cookie = {"Cookie": f"sessionid={verified_session(User.objects.get(username='admin'))}"}
    return (
        {"Authorization": f"Bearer {agent_token}", **accept},
        {"Authorization": f"Bearer {caller_token}", **accept},
        cookie,
    )


def cases(
    args: argparse.Namespace, agent: dict[str, str], caller: dict[str, str], cookie: dict[str, str]
) -> list[Case]:
    def api(term: str) -> str:
        return "/api/v1/search/?" + urlencode({"q": term})

    def ceiling(term: str) -> Request:
        return Request("GET", ["/search/?" + urlencode({"q": term})])

    found = [
        Case(
            f"API, an agent, two title words ({TITLE_WORDS})",
            GOAL_MS,
            Request("GET", [api(TITLE_WORDS)], agent),
            ceiling(TITLE_WORDS),
        ),
        Case(
            f"API, an agent, two work-note words ({NOTE_WORDS})",
            GOAL_MS,
            Request("GET", [api(NOTE_WORDS)], agent),
            ceiling(NOTE_WORDS),
        ),
        Case(
            f"Admin search page, two title words ({TITLE_WORDS})",
            GOAL_MS,
            Request("GET", ["/admin/search/?" + urlencode({"q": TITLE_WORDS})], cookie),
            ceiling(TITLE_WORDS),
        ),
        Case(
            f"API, a caller (own incidents), two title words ({TITLE_WORDS})",
            GOAL_MS,
            Request("GET", [api(TITLE_WORDS)], caller),
            ceiling(TITLE_WORDS),
        ),
        Case(
            f"API, an agent, a number ({NUMBER}, reference)",
            None,
            Request("GET", [api(NUMBER)], agent),
            ceiling(TITLE_WORDS),
        ),
    ]
    return goals.only(found, args.only)


def meta() -> tuple[dict[str, object], str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_incidenttimelineentry")
        entries = cursor.fetchone()[0]
    incidents = Incident.objects.count()
    return {"incidents": incidents, "timeline_entries": entries}, (
        f"{incidents:,} incidents, {entries:,} timeline entries"
    )


def main() -> None:
    args = goals.arguments(__doc__.split("\n")[0], incidents=million.INCIDENTS).parse_args()
    million.seed(args.incidents)
    agent, caller, cookie = credentials()
    sys.exit(goals.run(SEARCH, args, cases(args, agent, caller, cookie), meta))


if __name__ == "__main__":
    main()
