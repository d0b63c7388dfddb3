"""The public status pages: the index, one public incident, one service's history. No
login; every figure comes from ``statuspage.status`` and ``statuspage.history``."""

from datetime import timedelta

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from statuspage.forms import SubscribeForm
from statuspage.history import DAYS, service_history
from statuspage.models import PublicIncident, StatusUpdate
from statuspage.pages import render_page
from statuspage.status import page_state, public_services


@require_safe
def status(request: HttpRequest) -> HttpResponse:
    state = page_state()
    histories = service_history([s.service.pk for s in state.services], now=state.now)
    rows = [(s, histories[s.service.pk]) for s in state.services]
    context = {"state": state, "rows": rows, "days": DAYS, "form": SubscribeForm()}
    return render_page(request, "statuspage/index.html", context)


def _updates() -> "Prefetch[str]":
    newest_first = StatusUpdate.objects.order_by("-created_at", "-id")
    return Prefetch("updates", queryset=newest_first, to_attr="newest_first")


@require_safe
def incident(request: HttpRequest, number: str) -> HttpResponse:
    public = get_object_or_404(
        PublicIncident.objects.select_related("incident__service").prefetch_related(_updates()),
        incident__number=number,
    )
    service = public.incident.service
    if service is None or not (service.is_public and service.is_active):
        raise Http404("No such public incident.")
    return render_page(request, "statuspage/incident.html", {"public": public, "service": service})


@require_safe
def service(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(public_services(), pk=pk)
    now = timezone.now()
    state = page_state(now=now, services=[found]).state_of(found.pk)
    history = service_history([found.pk], now=now)[found.pk]
    since = now - timedelta(days=DAYS)
    incidents = (
        PublicIncident.objects.filter(incident__service=found, published_at__gte=since)
        .select_related("incident")
        .prefetch_related(_updates())
        .order_by("-published_at", "-id")
    )
    context = {
        "service": found,
        "state": state,
        "history": history,
        "days": DAYS,
        "incidents": list(incidents),
    }
    return render_page(request, "statuspage/service.html", context)
