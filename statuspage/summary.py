"""``/status/api/summary.json``: the page's state for status aggregators, shaped like
Atlassian Statuspage's ``summary.json`` (schema: ``statuspage/schemas/summary.schema.json``)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from changes.maintenance import is_maintaining
from changes.models import Change
from statuspage.enums import INCIDENT_IMPACT
from statuspage.links import absolute
from statuspage.models import PublicIncident
from statuspage.status import PageState, page_state

# Aggregators poll every minute or so; a short max-age lets caches absorb bursts while an
# outage still shows within a minute.
MAX_AGE = 60


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _incident(public: PublicIncident) -> dict[str, Any]:
    service = public.incident.service
    updates = public.newest_first  # type: ignore[attr-defined]
    return {
        "id": public.incident.number,
        "name": public.title,
        "status": public.shown_phase,
        "impact": INCIDENT_IMPACT[public.impact],
        "created_at": _time(public.published_at),
        "updated_at": _time(public.updated_at),
        "resolved_at": _time(public.ended_at),
        "shortlink": absolute(public.url),
        "incident_updates": [
            {
                "id": str(update.pk),
                "status": update.phase,
                "body": update.body,
                "created_at": _time(update.created_at),
                "updated_at": _time(update.created_at),
                "display_at": _time(update.created_at),
            }
            for update in updates
        ],
        "components": [{"id": str(service.pk), "name": service.name}] if service else [],
    }


def _maintenance(change: Change, now: datetime) -> dict[str, Any]:
    services = change.public_services  # type: ignore[attr-defined]
    return {
        "id": change.number,
        "name": change.title,
        "status": "in_progress" if is_maintaining(change, now) else "scheduled",
        "impact": "maintenance",
        "scheduled_for": _time(change.planned_start),
        "scheduled_until": _time(change.planned_end),
        "components": [{"id": str(s.pk), "name": s.name} for s in services],
    }


def summary(state: PageState) -> dict[str, Any]:
    return {
        "page": {
            "id": "servicedesk",
            "name": settings.STATUS_PAGE_NAME,
            "url": absolute(reverse("statuspage:status")),
            "time_zone": str(timezone.get_current_timezone()),
            "updated_at": _time(state.updated_at or state.now),
        },
        "status": {"indicator": state.indicator, "description": state.description},
        "components": [
            {
                "id": str(s.service.pk),
                "name": s.service.name,
                "description": s.service.description or None,
                "status": s.status.value,
                "position": position,
                "updated_at": _time(s.updated_at),
                "showcase": True,
                "only_show_if_degraded": False,
                "group": False,
                "group_id": None,
            }
            for position, s in enumerate(state.services, start=1)
        ],
        "incidents": [_incident(public) for public in state.incidents],
        "scheduled_maintenances": [
            _maintenance(change, state.now) for change in [*state.maintenances, *state.upcoming]
        ],
    }


@require_safe
def summary_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(summary(page_state()))
    # Public data, meant for other sites' dashboards to fetch from their browsers.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
