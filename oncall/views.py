"""Two links that work without a login: the page email's signed acknowledge link, and a
schedule's iCalendar feed under its random, rotatable secret (calendar apps cannot log
in)."""

import re

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from incidents.models import Status
from incidents.workflow import incident_acknowledge
from kernel.errors import WorkflowError
from oncall.escalation import escalation_stop, read_ack_token
from oncall.ical import WindowInvalid, parse_window, schedule_calendar
from oncall.models import Schedule

# What new_feed_token() makes; anything else is refused before it reaches the database.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def feed_url(schedule: Schedule) -> str:
    return reverse("oncall:feed", args=[schedule.feed_token])


def schedule_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The schedule's shifts in a window: ``?from=&to=`` (``oncall.ical``)."""
    # A lookup on the unique index, not a comparison in Python: with 256 random bits a
    # timing difference tells a guesser nothing worth having.
    if not FEED_TOKEN.fullmatch(token):
        raise Http404("No such calendar.")
    schedule = get_object_or_404(Schedule, feed_token=token)
    try:
        window = parse_window(
            request.GET.get("from"), request.GET.get("to"), schedule.tz, now=timezone.now()
        )
    except WindowInvalid as invalid:
        return JsonResponse(
            {"code": "invalid", "message": str(invalid), "errors": invalid.as_lists()},
            status=400,
        )
    response = HttpResponse(schedule_calendar(schedule, window), content_type="text/calendar")
    response["Content-Disposition"] = f'inline; filename="oncall-{schedule.pk}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST acknowledges: mail scanners that follow links must not
    acknowledge pages on a human's behalf."""
    try:
        escalation, user = read_ack_token(token)
    except (signing.BadSignature, LookupError):
        raise Http404("This link is invalid or expired.") from None
    incident = escalation.incident
    context = {"incident": incident, "user": user, "escalation": escalation, "error": ""}
    if request.method == "POST":
        try:
            if incident.status == Status.NEW:
                # The move stamps the acknowledged milestone; the hook stops the paging.
                incident_acknowledge(incident, by=user)
            else:
                escalation_stop(incident, by=user)
        except WorkflowError as refusal:
            context["error"] = refusal.message
        escalation.refresh_from_db()
    return TemplateResponse(request, "oncall/acknowledge.html", context)
