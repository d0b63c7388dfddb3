"""Seeding a benchmark database with N incidents shaped like a real desk's.

The shape follows the ServiceNow incident event log in ``../shared/data/`` (read once to
derive these figures; the data itself is not copied here):

- impact 1/2/3 = 1.7 % / 95.3 % / 3.0 %, urgency 1/2/3 = 2.1 % / 95.1 % / 2.8 %, so 94 %
  of the incidents are moderate (our P3) as in the log;
- 71 assignment groups, the busiest holding 38 % of the incidents (a power law:
  ``floor(71 * u**4)``), 53 categories, the largest with 14 % (``floor(53 * u**2)``);
- 5.7 updates per incident in the log: each incident gets 5 timeline entries (created,
  assigned, a comment, a work note, the last state change) and one history row;
- a live desk keeps its history: 93 % closed, 3 % resolved, 2 % in progress, 1 % new,
  1 % on hold.

All of it is set-based SQL (``generate_series``): a million incidents in a few minutes.
A second run finds them and does nothing.
"""

import os
import time
from dataclasses import dataclass, field

import environ
import psycopg


def server_of(url: str) -> tuple[str, dict[str, object]]:
    config = environ.Env.db_url_config(url)
    return str(config["NAME"]), {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
    }


def ensure_database(url: str | None = None) -> None:
    """Create the database named by ``url`` (default ``DATABASE_URL``) on first use."""
    name, server = server_of(url or os.environ["DATABASE_URL"])
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:  # type: ignore[arg-type]
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


GROUPS = 71
CATEGORIES = 53

# u in [0, 1) from a row number, deterministic: the same seed gives the same desk.
U = "((hashint4(g * {k} + {j}) & 65535) / 65536.0)"


def u(k: int, j: int = 0) -> str:
    return U.format(k=k, j=j)


SEED_TEMPLATE = f"""
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
    impact_started_at, detected_at, reported_at, acknowledged_at, mitigated_at, resolved_at,
    closed_at, assigned_to_id, assignment_group_id, caller_id, category_id, service_id,
    war_room_url
)
SELECT 'INC' || lpad(g::text, 7, '0'),
       titles.names[1 + g %% cardinality(titles.names)] || ' (' || g || ')',
       'Reported by phone. ' || titles.names[1 + g %% cardinality(titles.names)]
           || ' since this morning; the caller has restarted twice and it still happens. '
           || 'Affects their whole team (ref ' || g || ').',
       imp, urg, LEAST(5, imp + urg - 1), '',
       g %% 4, t, t + interval '1 hour', st, 'phone', '', {{severity}},
       CASE WHEN st = 3 THEN 'awaiting_caller' ELSE '' END, {{reopens}},
       CASE WHEN st IN (6, 7) THEN 'workaround_provided' ELSE '' END,
       CASE WHEN st IN (6, 7) THEN 'Restarted the service; the caller confirmed.' ELSE '' END,
       CASE WHEN st = 7 THEN 'confirmed' ELSE '' END, '',
       {{milestones}},
       CASE WHEN st = 1 THEN NULL ELSE agents.ids[1 + g %% cardinality(agents.ids)] END,
       teams.ids[1 + floor(cardinality(teams.ids) * power({u(7, 1)}, 4))::int],
       callers.ids[1 + g %% cardinality(callers.ids)],
       cats.ids[1 + floor(cardinality(cats.ids) * power({u(11, 2)}, 2))::int],
       services.ids[1 + g %% cardinality(services.ids)], ''
FROM generate_series(%(start)s::int, %(stop)s::int) AS g,
     LATERAL (SELECT now() - (%(last)s - g) * %(spacing)s * interval '1 second' AS t,
                     CASE WHEN {u(13, 3)} < 0.017 THEN 1 WHEN {u(13, 3)} < 0.970 THEN 2
                          ELSE 3 END AS imp,
                     CASE WHEN {u(17, 4)} < 0.021 THEN 1 WHEN {u(17, 4)} < 0.972 THEN 2
                          ELSE 3 END AS urg,
                     CASE WHEN {u(19, 5)} < 0.93 THEN 7 WHEN {u(19, 5)} < 0.96 THEN 6
                          WHEN {u(19, 5)} < 0.98 THEN 2 WHEN {u(19, 5)} < 0.99 THEN 1
                          ELSE 3 END AS st) AS row,
     {{durations}}
     teams, services, cats, callers, agents, titles
"""


def normal(k: int, j: int) -> str:
    """A standard normal draw from two of the row's uniforms (Box-Muller)."""
    return f"(sqrt(-2 * ln({u(k, j)} + 0.5 / 65536)) * cos(2 * pi() * {u(k + 1, j)}))"


# Web: every incident's milestones at fixed offsets (all web.py needs; kept as it was).
FIXED = {
    "severity": "NULL",
    "reopens": "0",
    "milestones": """NULL, t, t, CASE WHEN st = 1 THEN NULL ELSE t + interval '10 minutes' END,
       NULL, CASE WHEN st IN (6, 7) THEN t + interval '50 minutes' END,
       CASE WHEN st = 7 THEN t + interval '1 hour' END""",
    "durations": "",
}
# Metrics: the log's shapes (last state of each of its 24,918 incidents): time to the
# first update has a median of 21 minutes and a long tail (p90 93 h), time to resolve a
# median of 22 h and p90 of 16 days: log-normal, sigma 3 and 2.2 (capped at 30 and 180
# days). 1.1 % reopened. Not in the log, chosen to give every metric rows to read: 30 %
# detected a few minutes before they were reported, 15 % with impact started before
# that, 10 % mitigated before resolution, a quarter with a severity.
LOG = {
    "severity": f"""CASE WHEN {u(23, 6)} < 0.01 THEN 1 WHEN {u(23, 6)} < 0.05 THEN 2
            WHEN {u(23, 6)} < 0.15 THEN 3 WHEN {u(23, 6)} < 0.25 THEN 4 END""",
    "reopens": f"CASE WHEN {u(29, 7)} < 0.011 AND st IN (2, 6, 7) THEN 1 ELSE 0 END",
    "milestones": f"""CASE WHEN {u(31, 8)} < 0.15
            THEN t - d.detect - d.impact END,
       t - d.detect, t,
       CASE WHEN st <> 1 THEN LEAST(now(), t + d.ack) END,
       CASE WHEN st IN (6, 7) AND {u(37, 9)} < 0.10
            THEN LEAST(now(), t + d.ack + (d.res - d.ack) * 0.3) END,
       CASE WHEN st IN (6, 7) THEN LEAST(now(), t + d.res) END,
       CASE WHEN st = 7 THEN LEAST(now(), t + d.res + interval '1 day') END""",
    "durations": f"""LATERAL (SELECT
         CASE WHEN {u(41, 10)} < 0.3 THEN interval '300 seconds' * exp({normal(43, 11)})
              ELSE interval '0' END AS detect,
         interval '900 seconds' * exp(1.2 * {normal(47, 12)}) AS impact,
         interval '1 second' * LEAST(30 * 86400, 1260 * exp(3 * {normal(53, 13)})) AS ack,
         interval '1 second' * LEAST(180 * 86400, 79560 * exp(2.2 * {normal(59, 14)}))
             AS res0) AS d0,
     LATERAL (SELECT d0.detect, d0.impact, d0.ack,
                     GREATEST(d0.res0, d0.ack + interval '5 minutes') AS res) AS d,""",
}


@dataclass(frozen=True)
class Shape:
    """How the seeded incidents look beyond the log's categorical shape."""

    spacing: float = 30
    """Seconds between two incidents' reports (1,000,000 x 63 s is two years)."""
    milestones: dict[str, str] = field(default_factory=lambda: FIXED)
    per_batch: bool = True
    """Each batch of 200,000 ends now (as web.py always seeded); else the last incident
    is the one reported now and the first ``spacing x target`` seconds ago."""
    timeline: str = ""
    """The statement writing the timeline entries (``TIMELINE_SQL`` when empty); it gets
    ``after`` (the last incident id before this run) and ``timeline_params``."""
    timeline_params: dict[str, object] = field(default_factory=dict)


TIMELINE_SQL = """
INSERT INTO incidents_incidenttimelineentry (kind, verb, body, data, created_at, ticket_id,
                                             author_id)
SELECT e.kind, e.verb, e.body, e.data::jsonb, i.reported_at + e.after, i.id,
       CASE WHEN e.kind = 'event' AND e.verb = 'created' THEN i.caller_id
            ELSE i.assigned_to_id END
FROM incidents_incident i,
     (VALUES ('event', 'created', '', '{}', interval '0'),
             ('event', 'assigned', '', '{"to": "agent"}', interval '5 minutes'),
             ('comment', '', 'Could you tell us when it started?', '{}', interval '10 minutes'),
             ('work_note', '', 'Looks like the known issue with the mail relay.', '{}',
              interval '20 minutes'),
             ('event', 'resolved', '', '{}', interval '50 minutes')) AS e(kind, verb, body, data,
                                                                          after)
WHERE i.id > %(after)s
"""


def seed_sql(shape: Shape) -> str:
    return SEED_TEMPLATE.format(**shape.milestones)


SEED_SQL = seed_sql(Shape())


def seed_incidents(target: int, titles: list[str], shape: Shape | None = None) -> None:
    """Bring the incidents of the configured database up to ``target`` (Django is set up;
    the demo desk is loaded first, then the catalog is widened to the log's shape)."""
    shape = shape or Shape()
    sql = seed_sql(shape)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from catalog.models import Category, Team
    from incidents.models import Incident
    from kernel.numbering import format_number, reserve_up_to

    settings.DEBUG = True  # the demo loader refuses to run otherwise
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="admin").exists():
        call_command("load_demo", incidents=0, verbosity=0)
    for n in range(Team.objects.count() + 1, GROUPS + 1):
        Team.objects.get_or_create(name=f"Resolver group {n}")
    for n in range(Category.objects.filter(parent=None).count() + 1, CATEGORIES + 1):
        Category.objects.get_or_create(name=f"Category {n}", parent=None)
    have = Incident.objects.count()
    if have >= target:
        print(f"database has {have:,} incidents already")
        return
    start = time.perf_counter()
    after = Incident.objects.order_by("-id").values_list("id", flat=True).first() or 0
    batch = 200_000
    history = Incident.history.model
    own = {"history_id", "history_date", "history_change_reason", "history_type"}
    columns = [
        f.column
        for f in history._meta.concrete_fields
        if f.name not in own and f.column != "history_user_id"
    ]
    history_sql = (
        f"INSERT INTO {history._meta.db_table} ({', '.join(columns)}, history_date, "
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join(columns)}, created_at, 'Logged', '+', caller_id "
        "FROM incidents_incident WHERE id > %(after)s"
    )
    with connection.cursor() as cursor:
        for first in range(have + 1, target + 1, batch):
            last = min(first + batch - 1, target)
            # Demo incidents use low numbers; bench rows start past them.
            cursor.execute(
                sql,
                {
                    "start": first + 1000,
                    "stop": last + 1000,
                    "last": (last if shape.per_batch else target) + 1000,
                    "spacing": shape.spacing,
                    "titles": titles,
                },
            )
            print(f"  seeded {last:,} incidents", flush=True)
        cursor.execute(shape.timeline or TIMELINE_SQL, {"after": after, **shape.timeline_params})
        print("  timelines written", flush=True)
        cursor.execute(history_sql, {"after": after})
        print("  history written", flush=True)
    # What autovacuum does on a live desk: statistics, and the visibility map that lets
    # counts run on indexes alone. VACUUM cannot run inside a transaction block.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    reserve_up_to("INC", format_number("INC", target + 1000))
    settings.DEBUG = False
    print(f"seeded to {target:,} incidents in {time.perf_counter() - start:.0f} s")
