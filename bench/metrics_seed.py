"""What bench/metrics.py adds to the seeded incidents: closed changes (some failed) for the
change failure rate, and SLA clocks for every incident, all set-based SQL.

The clocks run on a 24x7 calendar with one definition per priority (so business seconds
are wall seconds and SQL can stop them exactly): a response clock stopped at
``acknowledged_at``, a resolution clock stopped at ``resolved_at``, ``made_sla`` and the
75 %/100 % stamps from the incident's own milestones. The clocks of open incidents: on
hold ones paused; of the running ones half breached long ago (stamped), half with their
deadline spread over the 24 hours around now (6 h past to 18 h ahead), so "breaching
soon" (the next hour) finds about a thousand of them as a busy desk would. Those
deadlines are set, not derived from the start. No history rows for clocks (nothing
here reads them)."""

import time
from decimal import Decimal

from django.db import connection

# Targets in hours, response then resolution, per priority.
TARGETS = {1: (0.25, 4), 2: (0.5, 8), 3: (1, 24), 4: (4, 72), 5: (8, 120)}

CHANGES_SQL = """
WITH teams AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog_team),
     services AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog_service),
     agents AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE is_staff)
INSERT INTO changes_change (
    number, title, description, impact, urgency, priority, priority_override_reason,
    reassignment_count, created_at, updated_at, status, type, justification, risk,
    risk_answers, implementation_plan, backout_plan, test_plan, planned_start, planned_end,
    actual_start, actual_end, conflict_override_reason, close_code, close_notes, closed_at,
    assigned_to_id, assignment_group_id, requested_by_id, service_id, customer_visible
)
SELECT 'CHG' || lpad(g::text, 7, '0'), 'Patch window ' || g, 'Routine change ' || g,
       2, 2, 3, '', 0, t - interval '3 days', t, 7,
       CASE WHEN g %% 10 = 0 THEN 'emergency' WHEN g %% 3 = 0 THEN 'standard' ELSE 'normal' END,
       '', 'moderate', '{}'::jsonb, '', '', '', t - interval '2 hours', t - interval '1 hour',
       t - interval '2 hours', t - interval '1 hour', '',
       CASE WHEN hashint4(g * 61) & 1023 < 51 THEN 'unsuccessful'
            WHEN hashint4(g * 61) & 1023 < 153 THEN 'successful_issues'
            ELSE 'successful' END,
       '', t,
       agents.ids[1 + g %% cardinality(agents.ids)],
       teams.ids[1 + g %% cardinality(teams.ids)], agents.ids[1 + g %% cardinality(agents.ids)],
       services.ids[1 + g %% cardinality(services.ids)], false
FROM generate_series(%(start)s::int, %(stop)s::int) AS g,
     LATERAL (SELECT now() - (%(stop)s - g) * %(spacing)s * interval '1 second' AS t) AS row,
     teams, services, agents
"""
# 2 % of the changes caused one incident each (an incident some hours after the change).
CAUSED_SQL = """
INSERT INTO changes_changeincident (change_id, incident_id, linked_at)
SELECT c.id, i.id, c.closed_at
FROM changes_change c
CROSS JOIN LATERAL (SELECT id FROM incidents_incident
                    WHERE reported_at > c.closed_at ORDER BY reported_at LIMIT 1) AS i
WHERE c.number LIKE 'CHG%%' AND hashint4(c.id::int * 67) & 1023 < 20
ON CONFLICT DO NOTHING
"""

# u in [0, 1) per clock row, from the incident's id.
U = "((hashint4(i.id::int * {k}) & 65535) / 65536.0)"

CLOCKS_SQL = f"""
INSERT INTO sla_clock (incident_id, target, definition_id, target_seconds, started_at,
                       pauses, paused_since, stopped_at, cancelled_at, cancel_reason,
                       warn_at, breach_at, warned_at, breached_at, made_sla, elapsed_seconds)
SELECT i.id, k.target, d.id, k.seconds, i.reported_at, '[]'::jsonb,
       CASE WHEN k.stop IS NULL AND paused THEN LEAST(now(), i.reported_at + interval '1 hour')
       END,
       k.stop, NULL, '',
       CASE WHEN k.stop IS NULL AND NOT paused THEN due - k.seconds * interval '0.25 second'
       END,
       CASE WHEN k.stop IS NULL AND NOT paused THEN due END,
       CASE WHEN k.stop IS NOT NULL AND used >= k.seconds * 0.75
                 THEN i.reported_at + k.seconds * interval '0.75 second'
            WHEN k.stop IS NULL AND NOT paused
                 AND due - k.seconds * interval '0.25 second' <= now()
                 THEN due - k.seconds * interval '0.25 second' END,
       CASE WHEN k.stop IS NOT NULL AND used > k.seconds
                 THEN i.reported_at + k.seconds * interval '1 second'
            WHEN k.stop IS NULL AND NOT paused AND due <= now() THEN due END,
       CASE WHEN k.stop IS NOT NULL THEN used <= k.seconds END,
       CASE WHEN k.stop IS NOT NULL OR paused THEN LEAST(used, 2000000000)::int ELSE 0 END
FROM incidents_incident i
JOIN sla_sladefinition d ON d.name = 'Bench P' || i.priority
CROSS JOIN LATERAL (VALUES
    ('response', i.acknowledged_at, round(d.response_target * 3600)::int),
    ('resolution', i.resolved_at, round(d.resolution_target * 3600)::int)
) AS k(target, stop, seconds)
CROSS JOIN LATERAL (SELECT
    k.target = 'resolution' AND i.status = 3 AS paused,
    EXTRACT(EPOCH FROM COALESCE(k.stop, LEAST(now(), i.reported_at + interval '1 hour'))
                       - i.reported_at)::bigint AS used,
    CASE WHEN {U.format(k=71)} < 0.5 THEN i.reported_at + k.seconds * interval '1 second'
         ELSE now() + (({U.format(k=73)}) * 24 - 6) * interval '1 hour' END AS due
) AS c
WHERE i.id > %(after)s
"""


def seed_changes(target: int, spacing: float) -> None:
    """Closed changes up to ``target``, one every ``spacing`` seconds back from now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM changes_change")
        have = cursor.fetchone()[0]
        if have >= target:
            return
        start = time.perf_counter()
        cursor.execute(
            CHANGES_SQL, {"start": have + 1000, "stop": target + 1000, "spacing": spacing}
        )
        cursor.execute(CAUSED_SQL)
        cursor.execute("VACUUM ANALYZE changes_change")
        cursor.execute("VACUUM ANALYZE changes_changeincident")
    print(f"  {target - have:,} changes in {time.perf_counter() - start:.0f} s", flush=True)


def seed_clocks() -> None:
    """One definition per priority and the clocks of every incident that has none."""
    from sla.models import Calendar, SlaDefinition

    calendar, _ = Calendar.objects.get_or_create(
        name="Bench 24x7", defaults={"time_zone": "UTC", "always_on": True}
    )
    for priority, (response, resolution) in TARGETS.items():
        SlaDefinition.objects.get_or_create(
            name=f"Bench P{priority}",
            defaults={
                "order": priority,
                "priorities": [priority],
                "calendar": calendar,
                "unit": "hours",
                "response_target": Decimal(str(response)),
                "resolution_target": Decimal(str(resolution)),
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(incident_id), 0) FROM sla_clock")
        after = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM incidents_incident WHERE id > %s", [after])
        if not cursor.fetchone()[0]:
            return
        start = time.perf_counter()
        cursor.execute(CLOCKS_SQL, {"after": after})
        made = cursor.rowcount
        cursor.execute("VACUUM ANALYZE sla_clock")
    print(f"  {made:,} SLA clocks in {time.perf_counter() - start:.0f} s", flush=True)
