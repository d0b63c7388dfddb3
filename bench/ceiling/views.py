"""Bare views: no auth, no serializer, one query each."""

import json

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
