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
# (CEILING_DATABASE_URL set to it): the least SQL that reads the same rows, by hand.
AGGREGATE_SQL = """
SELECT count(x), avg(x), percentile_cont(0.5) WITHIN GROUP (ORDER BY x),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY x)
FROM (SELECT EXTRACT(EPOCH FROM resolved_at - reported_at)::double precision AS x
      FROM incidents_incident
      WHERE reported_at >= %s AND reported_at < %s {team}) AS rows
"""
BREACHING_SQL = """
SELECT i.id, i.number, i.title, i.status, i.priority, c.breach_at
FROM sla_clock c JOIN incidents_incident i ON i.id = c.incident_id
WHERE c.cancelled_at IS NULL AND c.stopped_at IS NULL AND c.paused_since IS NULL
  AND c.breach_at > now() AND c.breach_at <= now() + interval '60 minutes'
ORDER BY c.breach_at LIMIT 100
"""


def mtt_aggregate(request: HttpRequest) -> JsonResponse:
    """One mean and two percentiles of one duration over the incidents reported in
    ``[from, to)`` (optionally of one ``team``): what any MTTx figure costs at least."""
    start = parse_datetime(request.GET["from"])
    end = parse_datetime(request.GET["to"])
    team = request.GET.get("team")
    params: list[object] = [start, end]
    if team:
        params.append(int(team))
    with connection.cursor() as cursor:
        cursor.execute(
            AGGREGATE_SQL.format(team="AND assignment_group_id = %s" if team else ""), params
        )
        count, mean, p50, p90 = cursor.fetchone()
    return JsonResponse({"count": count, "mean": mean, "p50": p50, "p90": p90})


def breaching_soon(request: HttpRequest) -> JsonResponse:
    """100 incidents whose running clock breaches within the hour, soonest first: a list
    by an indexed column."""
    with connection.cursor() as cursor:
        cursor.execute(BREACHING_SQL)
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"results": rows})
