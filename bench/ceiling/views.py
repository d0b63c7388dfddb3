"""Bare views: no auth, no serializer, one query each."""

import json

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ceiling.models import Alert, Ticket

FIELDS = (
    "id", "number", "title", "description", "status", "priority", "team_id", "assignee_id",
    "created_at",
)  # fmt: skip


def retrieve(request: HttpRequest, pk: int) -> JsonResponse:
    row = Ticket.objects.values(*FIELDS).get(pk=pk)
    return JsonResponse(row)


@csrf_exempt
def tickets(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        data = json.loads(request.body)
        ticket = Ticket.objects.create(
            number=data["number"],
            title=data["title"],
            description=data.get("description", ""),
            priority=int(data.get("priority", 3)),
            created_at=timezone.now(),
        )
        return JsonResponse({"id": ticket.pk, "number": ticket.number}, status=201)
    status = int(request.GET.get("status", 2))
    rows = list(Ticket.objects.filter(status=status).order_by("-created_at").values(*FIELDS)[:50])
    return JsonResponse({"results": rows})


@csrf_exempt
@require_POST
def alerts(request: HttpRequest) -> JsonResponse:
    """The least an alert receiver does: parse the webhook's JSON, insert its first alert
    as one row, answer 202. No auth, no grouping, no deduplication, no incident."""
    alert = json.loads(request.body)["alerts"][0]
    Alert.objects.create(
        fingerprint=alert["fingerprint"],
        status=alert["status"],
        labels=alert["labels"],
        annotations=alert["annotations"],
        starts_at=parse_datetime(alert["startsAt"]),
        received_at=timezone.now(),
    )
    return JsonResponse(
        {"status": "success", "message": "Alerts processed", "alerts": 1}, status=202
    )


# The metrics ceiling (bench/metrics.py) runs on the desk's own database
# (CEILING_DATABASE_URL set to it): per kind of report, the least SQL that reads the same
# rows, by hand. {team} is the optional team filter.
PERIOD = "reported_at >= %(from)s AND reported_at < %(to)s"
AGGREGATE_SQL = {
    # One mean and two percentiles of one duration (what any MTTx figure costs at least).
    "durations": f"""
SELECT count(x), avg(x), percentile_cont(0.5) WITHIN GROUP (ORDER BY x),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY x)
FROM (SELECT date_part('epoch', resolved_at - reported_at) AS x
      FROM incidents_incident WHERE {PERIOD} {{team}}) AS rows
""",
    # One GROUP BY with a count and a mean (one of a breakdown's tables).
    "groups": f"""
SELECT service_id, count(*), avg(date_part('epoch', resolved_at - reported_at))
FROM incidents_incident WHERE {PERIOD} {{team}} GROUP BY service_id
""",
    # Count and first/last report per service (what MTBF needs).
    "services": f"""
SELECT service_id, count(*), min(reported_at), max(reported_at)
FROM incidents_incident WHERE {PERIOD} {{team}} GROUP BY service_id
""",
    # Open at the period's end, two age buckets.
    "backlog": """
SELECT count(*) FILTER (WHERE reported_at > %(to)s - interval '1 day'),
       count(*) FILTER (WHERE reported_at <= %(to)s - interval '30 days')
FROM incidents_incident
WHERE reported_at <= %(to)s AND (resolved_at IS NULL OR resolved_at > %(to)s)
  AND (closed_at IS NULL OR closed_at > %(to)s) {team}
""",
    # Closed changes of the period by type, and the unsuccessful ones.
    "changes": """
SELECT type, count(*), count(*) FILTER (WHERE close_code = 'unsuccessful')
FROM changes_change
WHERE status = 7 AND closed_at >= %(from)s AND closed_at < %(to)s {team} GROUP BY type
""",
    # The share of stopped clocks made, by target, for the incidents of the period.
    "sla": """
SELECT c.target, count(*), avg(c.made_sla::int)
FROM sla_clock c JOIN incidents_incident i ON i.id = c.incident_id
WHERE c.cancelled_at IS NULL AND c.stopped_at IS NOT NULL
  AND i.reported_at >= %(from)s AND i.reported_at < %(to)s {team}
GROUP BY c.target
""",
}
BREACHING_SQL = """
SELECT i.id, i.number, i.title, i.status, i.priority, c.breach_at
FROM sla_clock c JOIN incidents_incident i ON i.id = c.incident_id
WHERE c.cancelled_at IS NULL AND c.stopped_at IS NULL AND c.paused_since IS NULL
  AND c.breach_at > now() AND c.breach_at <= now() + interval '60 minutes'
ORDER BY c.breach_at LIMIT 100
"""


def mtt_aggregate(request: HttpRequest) -> JsonResponse:
    """The ``kind`` query of ``AGGREGATE_SQL`` over ``[from, to)`` (and one ``team``)."""
    kind = request.GET.get("kind", "durations")
    params: dict[str, object] = {
        "from": parse_datetime(request.GET["from"]),
        "to": parse_datetime(request.GET["to"]),
    }
    team = ""
    if request.GET.get("team"):
        params["team"] = int(request.GET["team"])
        column = "i.assignment_group_id" if kind == "sla" else "assignment_group_id"
        team = f"AND {column} = %(team)s"
    with connection.cursor() as cursor:
        cursor.execute(AGGREGATE_SQL[kind].format(team=team), params)
        rows = cursor.fetchall()
    return JsonResponse({"rows": [[str(value) for value in row] for row in rows]})


def breaching_soon(request: HttpRequest) -> JsonResponse:
    """100 incidents whose running clock breaches within the hour, soonest first: a list
    by an indexed column."""
    with connection.cursor() as cursor:
        cursor.execute(BREACHING_SQL)
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"results": rows})


SEARCH_SQL = """
WITH q AS (SELECT websearch_to_tsquery('english', %(q)s) AS q),
hits AS (
    (SELECT i.id, ts_rank(i.search_vector, q.q) AS rank
     FROM incidents_incident i, q WHERE i.search_vector @@ q.q ORDER BY rank DESC LIMIT 10)
    UNION ALL
    (SELECT t.ticket_id, ts_rank(t.search_vector, q.q) AS rank
     FROM incidents_incidenttimelineentry t, q
     WHERE t.search_vector @@ q.q ORDER BY rank DESC LIMIT 30)
)
SELECT i.id, i.number, i.title, i.status, i.priority, max(h.rank) AS rank
FROM hits h JOIN incidents_incident i ON i.id = h.id
GROUP BY i.id ORDER BY rank DESC, i.id DESC LIMIT 10
"""


def search(request: HttpRequest) -> JsonResponse:
    """The nearest plain SQL to one group of servicedesk's search (bench/search.py): the
    ten best incidents for ``q`` by their own text and their notes, in one statement on
    the product's own full-text columns; no auth, no visibility, no other types."""
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_SQL, {"q": request.GET.get("q", "")})
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"results": rows})


HOME_SQL = """
SELECT
  (SELECT count(*) FROM incidents_incident
    WHERE status IN (1, 2, 3) AND assigned_to_id = %(user)s) AS mine,
  (SELECT count(*) FROM incidents_incident i
    JOIN catalog_team_members m ON m.team_id = i.assignment_group_id AND m.user_id = %(user)s
    WHERE i.status IN (1, 2, 3) AND i.assigned_to_id IS NULL) AS unassigned,
  (SELECT json_object_agg(priority, n) FROM (
     SELECT priority, count(*) AS n FROM incidents_incident
     WHERE status IN (1, 2, 3) GROUP BY priority) p) AS by_priority,
  (SELECT json_object_agg(day, n) FROM (
     SELECT reported_at::date AS day, count(*) AS n FROM incidents_incident
     WHERE reported_at >= now() - interval '14 days' GROUP BY 1) c) AS created,
  (SELECT json_object_agg(day, n) FROM (
     SELECT resolved_at::date AS day, count(*) AS n FROM incidents_incident
     WHERE resolved_at >= now() - interval '14 days' GROUP BY 1) r) AS resolved
"""


def home(request: HttpRequest) -> JsonResponse:
    """The nearest plain SQL to the agents' home (bench/home.py): one statement for the
    agent's two incident queues, the open incidents by priority and the created and
    resolved per day over 14 days; no auth, no SLA, no MTTx, no page to render."""
    with connection.cursor() as cursor:
        cursor.execute(HOME_SQL, {"user": int(request.GET.get("user", "0"))})
        columns = [c.name for c in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    return JsonResponse(row)


RECORD_SQL = """
SELECT i.number, i.title, i.status, i.priority, i.severity,
  (SELECT json_agg(t) FROM (
     SELECT kind, verb, body, created_at FROM incidents_incidenttimelineentry
     WHERE ticket_id = i.id ORDER BY created_at DESC, id DESC LIMIT 21) t) AS timeline
FROM incidents_incident i WHERE i.id = %(pk)s
"""


def record(request: HttpRequest, pk: int) -> JsonResponse:
    """The nearest plain SQL to an incident's record page (bench/home.py): the row and
    the newest page of its timeline in one statement, as JSON."""
    with connection.cursor() as cursor:
        cursor.execute(RECORD_SQL, {"pk": pk})
        columns = [c.name for c in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    return JsonResponse(row)
