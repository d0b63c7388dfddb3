"""Bare views: no auth, no serializer, one query each."""

import json

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ceiling.models import Ticket

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
