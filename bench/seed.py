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


SEED_SQL = f"""
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
       titles.names[1 + g %% cardinality(titles.names)] || ' (' || g || ')',
       'Reported by phone. ' || titles.names[1 + g %% cardinality(titles.names)]
           || ' since this morning; the caller has restarted twice and it still happens. '
           || 'Affects their whole team (ref ' || g || ').',
       imp, urg, LEAST(5, imp + urg - 1), '',
       g %% 4, t, t + interval '1 hour', st, 'phone', '', NULL,
       CASE WHEN st = 3 THEN 'awaiting_caller' ELSE '' END, 0,
       CASE WHEN st IN (6, 7) THEN 'workaround_provided' ELSE '' END,
       CASE WHEN st IN (6, 7) THEN 'Restarted the service; the caller confirmed.' ELSE '' END,
       CASE WHEN st = 7 THEN 'confirmed' ELSE '' END, '',
       t, t, CASE WHEN st = 1 THEN NULL ELSE t + interval '10 minutes' END,
       CASE WHEN st IN (6, 7) THEN t + interval '50 minutes' END,
       CASE WHEN st = 7 THEN t + interval '1 hour' END,
       CASE WHEN st = 1 THEN NULL ELSE agents.ids[1 + g %% cardinality(agents.ids)] END,
       teams.ids[1 + floor(cardinality(teams.ids) * power({u(7, 1)}, 4))::int],
       callers.ids[1 + g %% cardinality(callers.ids)],
       cats.ids[1 + floor(cardinality(cats.ids) * power({u(11, 2)}, 2))::int],
       services.ids[1 + g %% cardinality(services.ids)]
FROM generate_series(%(start)s, %(stop)s) AS g,
     LATERAL (SELECT now() - (%(stop)s - g) * interval '30 seconds' AS t,
                     CASE WHEN {u(13, 3)} < 0.017 THEN 1 WHEN {u(13, 3)} < 0.970 THEN 2
                          ELSE 3 END AS imp,
                     CASE WHEN {u(17, 4)} < 0.021 THEN 1 WHEN {u(17, 4)} < 0.972 THEN 2
                          ELSE 3 END AS urg,
                     CASE WHEN {u(19, 5)} < 0.93 THEN 7 WHEN {u(19, 5)} < 0.96 THEN 6
                          WHEN {u(19, 5)} < 0.98 THEN 2 WHEN {u(19, 5)} < 0.99 THEN 1
                          ELSE 3 END AS st) AS row,
     teams, services, cats, callers, agents, titles
"""
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


def seed_incidents(target: int, titles: list[str]) -> None:
    """Bring the incidents of the configured database up to ``target`` (Django is set up;
    the demo desk is loaded first, then the catalog is widened to the log's shape)."""
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
            cursor.execute(SEED_SQL, {"start": first + 1000, "stop": last + 1000, "titles": titles})
            print(f"  seeded {last:,} incidents", flush=True)
        cursor.execute(TIMELINE_SQL, {"after": after})
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
