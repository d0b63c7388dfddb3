"""One shared desk of a million incidents for the benchmarks that need one (search,
the home page): PostgreSQL ``sd_million`` (``MILLION_DATABASE_URL`` to change it),
migrated, seeded once and reused. Seeding is idempotent: each part counts what is
there and writes only what is missing, so a second run does nothing.

What it creates (all set-based SQL, ``generate_series``; about 15-25 minutes on this
machine, once):

- the demo desk (``load_demo --incidents 0``: people, teams, services, categories, the
  manager ``admin``), widened to 71 teams and 53 categories (``seed.py``);
- 1,000,000 incidents over two years (one every 63 s, the last reported now), shaped
  like the ServiceNow log (``seed.py``'s ``LOG``: priorities, states - about 93 % closed
  and 7 % open: new, in progress, on hold, resolved -, teams by a power law, assignees,
  callers, log-normal times to acknowledge and resolve); titles from 1,200 subject x
  symptom pairs (``TITLES``), so a two-word query matches hundreds of incidents, not a
  twentieth of the table;
- five timeline entries each (created, assigned, a comment, a work note, the last state
  change) with comments and work notes drawn from ``COMMENTS`` and ``NOTES`` (about
  1,500 distinct notes, each naming a component), and one history row each;
- 17,520 closed changes (one an hour over two years; 2 % caused an incident) and SLA
  clocks for every incident (``metrics_seed.py``: "breaching soon" finds about a
  thousand);
- 5,000 problems (``PROBLEMS``), one in five a known error with a workaround.

Use it from a benchmark: set ``os.environ["DATABASE_URL"] = million.URL`` before
``django.setup()``, call ``million.ensure_database()`` before that and ``million.seed()``
after it. Alone: ``.venv/bin/python bench/million.py [--incidents N]``.
"""

import itertools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

URL = os.environ.get("MILLION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sd_million")
INCIDENTS = 1_000_000
CHANGES = 17_520
CHANGE_SPACING = 3600
PROBLEMS = 5_000

SUBJECTS = [
    "Outlook",
    "Shared mailbox",
    "Calendar",
    "Teams",
    "VPN client",
    "Wi-Fi",
    "Laptop",
    "Docking station",
    "Monitor",
    "Keyboard",
    "Printer",
    "Scanner",
    "Badge reader",
    "Payroll run",
    "Payslip",
    "Expense report",
    "ERP login",
    "Invoice",
    "Stock report",
    "Purchase order",
    "Website",
    "Checkout page",
    "Search page",
    "Customer portal",
    "Team drive",
    "File share",
    "Backup job",
    "Database",
    "CRM",
    "Phone line",
    "Headset",
    "Password reset",
    "Single sign-on",
    "MFA token",
    "Browser",
    "Antivirus",
    "Desk phone",
    "Meeting room screen",
    "Mobile app",
    "Timesheet",
]
SYMPTOMS = [
    "crashes on start",
    "very slow",
    "cannot connect",
    "asks for password again",
    "shows error 500",
    "times out",
    "missing after update",
    "not syncing",
    "disconnects every few minutes",
    "wrong figures",
    "access denied",
    "stuck in draft",
    "blank screen",
    "jams on every job",
    "license expired",
    "certificate warning",
    "duplicate entries",
    "cannot log in",
    "freezes",
    "no sound",
    "not printing",
    "out of date",
    "locked account",
    "broken link",
    "files disappeared",
    "sync conflict",
    "high CPU",
    "disk full",
    "will not open attachments",
    "lost settings",
]
TITLES = [f"{subject} {symptom}" for subject, symptom in itertools.product(SUBJECTS, SYMPTOMS)]

COMMENTS = [
    "Could you tell us when it started?",
    "Does it happen on another machine too?",
    "Please send a screenshot of the error.",
    "We are looking into it and will update you within the hour.",
    "Can you try again after restarting?",
    "Is anyone else in your team affected?",
    "We applied a fix; please confirm it works for you.",
    "Which browser and version do you use?",
]
COMPONENTS = [
    "mail relay",
    "load balancer",
    "proxy",
    "DNS resolver",
    "domain controller",
    "print server",
    "file server",
    "ERP database",
    "payroll batch",
    "web frontend",
    "cache cluster",
    "message queue",
    "certificate store",
    "licence server",
    "backup agent",
    "sync service",
    "VPN gateway",
    "wireless controller",
    "SSO provider",
    "storage array",
    "CRM connector",
    "search indexer",
    "API gateway",
    "session store",
    "image CDN",
    "identity sync",
    "firewall",
    "NTP server",
    "DHCP scope",
    "build agent",
    "report scheduler",
    "invoice worker",
    "stock importer",
    "calendar connector",
    "phone switch",
    "MDM profile",
    "antivirus console",
    "patch server",
    "log shipper",
    "metrics agent",
    "token service",
    "mailbox database",
    "print queue",
    "web cache",
    "SAN switch",
    "hypervisor host",
    "kiosk image",
    "badge controller",
    "backup vault",
    "time clock",
]
CAUSES = [
    "Looks like the known issue with the",
    "Restarted the",
    "Cleared the queue on the",
    "Escalated to the owners of the",
    "Certificate renewed on the",
    "Rolled back the",
    "Disk filled up on the",
    "Memory leak suspected in the",
    "Config drift found on the",
    "Patched the",
    "Failover tested on the",
    "Credentials rotated on the",
    "Timeouts traced to the",
    "Capacity raised on the",
    "Rebuilt the index of the",
    "Vendor ticket opened for the",
    "Health check failing on the",
    "Firmware updated on the",
    "Rebooted the",
    "Network path changed for the",
    "Cache flushed on the",
    "Quota increased on the",
    "Scheduled job re-run on the",
    "Alert silenced for the",
    "Runbook followed for the",
    "Logs attached from the",
    "Packet loss seen at the",
    "DNS record fixed for the",
    "Service account unlocked on the",
    "Monitoring added to the",
]
NOTES = [f"{cause} {component}." for cause, component in itertools.product(CAUSES, COMPONENTS)]

# Five entries per incident; the comment and the work note drawn from the pools by a hash
# of the incident's id (deterministic: the same desk every time).
TIMELINE_SQL = """
INSERT INTO incidents_incidenttimelineentry (kind, verb, body, data, created_at, ticket_id,
                                             author_id)
SELECT e.kind, e.verb,
       CASE e.kind
            WHEN 'comment' THEN p.comments[1 + (hashint4(i.id::int * 7) & 65535)
                                               %% cardinality(p.comments)]
            WHEN 'work_note' THEN p.notes[1 + (hashint4(i.id::int * 11) & 65535)
                                           %% cardinality(p.notes)]
            ELSE '' END,
       e.data::jsonb, i.reported_at + e.after, i.id,
       CASE WHEN e.kind = 'event' AND e.verb = 'created' THEN i.caller_id
            ELSE i.assigned_to_id END
FROM incidents_incident i,
     (SELECT %(comments)s::text[] AS comments, %(notes)s::text[] AS notes) AS p,
     (VALUES ('event', 'created', '{}', interval '0'),
             ('event', 'assigned', '{"to": "agent"}', interval '5 minutes'),
             ('comment', '', '{}', interval '10 minutes'),
             ('work_note', '', '{}', interval '20 minutes'),
             ('event', 'resolved', '{}', interval '50 minutes')) AS e(kind, verb, data, after)
WHERE i.id > %(after)s
"""

PROBLEMS_SQL = """
WITH teams AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog_team),
     services AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog_service),
     agents AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE is_staff),
     pool AS (SELECT %(titles)s::text[] AS titles, %(notes)s::text[] AS notes)
INSERT INTO problems_problem (
    number, title, description, impact, urgency, priority, priority_override_reason,
    reassignment_count, created_at, updated_at, status, root_cause, workaround, known_error,
    known_error_at, fix_notes, resolution_code, close_notes, resolved_at, closed_at,
    assigned_to_id, assignment_group_id, service_id
)
SELECT 'PRB' || lpad(g::text, 7, '0'),
       'Recurring: ' || pool.titles[1 + (hashint4(g * 3) & 65535) %% cardinality(pool.titles)],
       'Several incidents a week with the same symptom. '
           || pool.notes[1 + (hashint4(g * 5) & 65535) %% cardinality(pool.notes)],
       2, 2, 3, '', 0, t, t, CASE WHEN g %% 3 = 0 THEN 107 WHEN g %% 3 = 1 THEN 104 ELSE 102 END,
       pool.notes[1 + (hashint4(g * 5) & 65535) %% cardinality(pool.notes)],
       CASE WHEN g %% 5 = 0 THEN 'Restart the client, then sign in again.' ELSE '' END,
       g %% 5 = 0, CASE WHEN g %% 5 = 0 THEN t + interval '2 days' END, '',
       CASE WHEN g %% 3 = 0 THEN 'fix_applied' ELSE '' END, '',
       CASE WHEN g %% 3 = 0 THEN t + interval '20 days' END,
       CASE WHEN g %% 3 = 0 THEN t + interval '21 days' END,
       agents.ids[1 + g %% cardinality(agents.ids)],
       teams.ids[1 + g %% cardinality(teams.ids)],
       services.ids[1 + g %% cardinality(services.ids)]
FROM generate_series(%(start)s::int, %(stop)s::int) AS g,
     LATERAL (SELECT now() - (%(stop)s - g) * interval '3 hours' AS t) AS row,
     teams, services, agents, pool
"""


def ensure_database() -> None:
    """Create ``sd_million`` on first use (before ``django.setup()``)."""
    sys.path.insert(0, str(BENCH))
    from seed import ensure_database as create

    create(URL)


def seed_problems(target: int = PROBLEMS) -> None:
    from django.db import connection

    from kernel.numbering import format_number, reserve_up_to

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM problems_problem WHERE number >= 'PRB0001000'")
        have = cursor.fetchone()[0]
        if have >= target:
            return
        start = time.perf_counter()
        cursor.execute(
            PROBLEMS_SQL,
            {"start": have + 1000, "stop": target + 999, "titles": TITLES, "notes": NOTES},
        )
        cursor.execute("VACUUM ANALYZE problems_problem")
    reserve_up_to("PRB", format_number("PRB", target + 1000))
    print(f"  {target - have:,} problems in {time.perf_counter() - start:.0f} s", flush=True)


def seed(incidents: int = INCIDENTS) -> None:
    """Fill the configured database (Django is set up on ``URL``) once; a no-op after."""
    sys.path.insert(0, str(BENCH))
    from django.conf import settings
    from django.db import connection
    from metrics_seed import seed_changes, seed_clocks
    from seed import LOG, Shape, seed_incidents

    from kernel.numbering import format_number, reserve_up_to

    start = time.perf_counter()
    # Two benchmarks started together: the second waits here, then finds the desk seeded.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(1000000)")
    shape = Shape(
        spacing=63 * INCIDENTS / incidents,
        milestones=LOG,
        per_batch=False,
        timeline=TIMELINE_SQL,
        timeline_params={"comments": COMMENTS, "notes": NOTES},
    )
    seed_incidents(incidents, TITLES, shape)
    seed_changes(CHANGES, CHANGE_SPACING)
    reserve_up_to("CHG", format_number("CHG", CHANGES + 1000))
    if "sla" in settings.INSTALLED_APPS:
        seed_clocks()
    seed_problems()
    print(f"{URL.rsplit('/', 1)[-1]} ready in {time.perf_counter() - start:.0f} s", flush=True)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=INCIDENTS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    ensure_database()
    import django

    django.setup()
    seed(args.incidents)


if __name__ == "__main__":
    main()
