"""Posting a public update: the one write of the status page's incident side. Admin
pages and the API call :func:`status_update_post`; nothing else writes the public
incident or its updates."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incidents.models import Incident, Severity
from kernel.errors import MoveForbidden, MoveInvalid
from kernel.notices import Notice, PublicNotice
from kernel.workflow import lock, record_event, save_audited
from notifications.enums import EventKind
from notifications.events import Event
from notifications.outbox import Address, notify_addresses
from statuspage.enums import Impact, Phase
from statuspage.links import absolute, address_key
from statuspage.models import PublicIncident, StatusUpdate, Subscriber

if TYPE_CHECKING:
    from accounts.models import User

POST_PERMISSION = "statuspage.add_statusupdate"
TITLE_MAX = 200
BODY_MAX = 5000
VERB = EventKind.STATUS_UPDATE.value


def default_impact(incident: Incident) -> Impact:
    """The impact to announce when the first update does not say. The first public words
    come early, before anyone has judged the customer impact; the incident's own grading
    is the best guess we have, and ITIL.md makes SEV1/P1 the gravest and SEV2/P2 next."""
    if incident.severity == Severity.SEV1 or incident.priority == 1:
        return Impact.MAJOR_OUTAGE
    if incident.severity == Severity.SEV2 or incident.priority == 2:
        return Impact.PARTIAL_OUTAGE
    return Impact.DEGRADED_PERFORMANCE


def _validate(
    incident: Incident, *, body: str, phase: str, impact: str | None, title: str | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not body:
        errors["body"] = ["Write what the public should know."]
    elif len(body) > BODY_MAX:
        errors["body"] = [f"Keep it under {BODY_MAX} characters."]
    if phase not in Phase.values:
        errors["phase"] = [f"Choose one of {', '.join(Phase.values)}."]
    elif phase != Phase.RESOLVED and not incident.is_open:
        errors["phase"] = ["The incident is no longer open: only a resolved update fits."]
    if impact and impact not in Impact.values:
        errors["impact"] = [f"Choose one of {', '.join(Impact.values)}."]
    if title is not None and len(title) > TITLE_MAX:
        errors["title"] = [f"Keep it under {TITLE_MAX} characters."]
    service = incident.service
    if service is None or not (service.is_public and service.is_active):
        errors["incident"] = ["Its service is not on the status page: set a public service."]
    return errors


def status_update_post(
    incident: Incident,
    *,
    by: "User",
    body: str,
    phase: str,
    impact: str | None = None,
    title: str | None = None,
) -> StatusUpdate:
    """Publish an update on ``incident`` (making it public on the first one, which needs a
    public ``title``), record it on the incident's timeline and mail the subscribers of
    its service after commit. Raises ``MoveForbidden`` or ``MoveInvalid``."""
    if not by.has_perm(POST_PERMISSION):
        raise MoveForbidden(f"You may not post status updates on {incident.number}.")
    body = (body or "").strip()
    title = title.strip() if title is not None else None
    impact = impact or None
    with transaction.atomic():
        # Two leads posting at once serialize on the incident row: the first update makes
        # the incident public once, and the second sees it.
        current = lock(incident)
        errors = _validate(current, body=body, phase=phase, impact=impact, title=title)
        public = PublicIncident.objects.select_for_update().filter(incident=current).first()
        if public is None and not title:
            errors["title"] = ["The first update makes the incident public: give it a title."]
        if errors:
            raise MoveInvalid(errors)
        now = timezone.now()
        if public is None:
            public = PublicIncident(
                incident=current,
                title=title or "",
                impact=impact or default_impact(current),
                published_at=now,
            )
        elif title:
            public.title = title
        public.phase = phase
        public.impact = impact or public.impact
        public.updated_at = now
        public.resolved_at = now if phase == Phase.RESOLVED else None
        save_audited(public, by=by, reason=f"Status update: {phase}")
        update = StatusUpdate(
            public_incident=public,
            phase=phase,
            impact=public.impact,
            body=body,
            author=by,
            created_at=now,
        )
        save_audited(update, by=by, reason="Posted")
        status_url = absolute(public.url)
        record_event(
            current,
            by=by,
            verb=VERB,
            body=body,
            data={
                "public_incident": public.pk,
                "update": update.pk,
                "public_title": public.title,
                "phase": phase,
                "impact": public.impact,
                "status_url": status_url,
            },
            # Public words only, as the status page shows them: webhooks hear it; the
            # subscribers are addresses, mailed below.
            notice=Notice(
                EventKind.STATUS_UPDATE,
                "status update",
                public=PublicNotice(
                    subject=f"{public.title}: {phase}",
                    url=status_url,
                    data={
                        "public_title": public.title,
                        "phase": phase,
                        "impact": public.impact,
                        "status_url": status_url,
                    },
                ),
            ),
        )
        _notify_subscribers(current, public, update, status_url)
    return update


def subscribers_of(service_id: int | None) -> list[Subscriber]:
    """Confirmed, still subscribed, and following this service (or every service)."""
    follows = Q(services__isnull=True) | Q(services=service_id)
    active = Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    return list(active.filter(follows).distinct().order_by("pk"))


def _notify_subscribers(
    incident: Incident, public: PublicIncident, update: StatusUpdate, status_url: str
) -> None:
    data: dict[str, Any] = {
        "page": settings.STATUS_PAGE_NAME,
        "public_title": public.title,
        "phase": update.phase,
        "phase_display": update.get_phase_display(),
        "impact": update.impact,
        "impact_display": update.get_impact_display(),
        "timestamp": update.created_at.isoformat(),
    }
    event = Event(
        key=f"statuspage.statusupdate:{update.pk}",
        kind=EventKind.STATUS_UPDATE,
        subject=f"[{settings.STATUS_PAGE_NAME}] {public.title}: {update.get_phase_display()}",
        body=update.body,
        url=status_url,
        user_ids=frozenset(),
        team_id=None,
        data=data,
    )
    # Each mail's unsubscribe link is built when it is sent (statuspage.links).
    addresses = [Address(address_key(s), s.email) for s in subscribers_of(incident.service_id)]
    notify_addresses(event, addresses)
