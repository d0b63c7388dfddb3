"""Each public service's status, derived (never typed): from the open public incidents on
it and from customer-visible changes in their maintenance window. A fixed handful of
queries, whatever the number of services and incidents."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from catalog.models import Service
from changes.maintenance import is_maintaining
from changes.models import Change
from changes.models import Status as ChangeStatus
from incidents.models import OPEN_STATES
from statuspage.enums import INDICATORS, Phase, ServiceStatus, worst
from statuspage.models import PublicIncident, StatusUpdate


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(is_public=True, is_active=True).order_by("name")


def open_public_incidents() -> QuerySet[PublicIncident]:
    """Public incidents still open: no resolved update, and the incident still worked on."""
    return (
        PublicIncident.objects.exclude(phase=Phase.RESOLVED)
        .filter(
            incident__status__in=OPEN_STATES,
            incident__service__is_public=True,
            incident__service__is_active=True,
        )
        .select_related("incident__service")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=StatusUpdate.objects.order_by("-created_at", "-id"),
                to_attr="newest_first",
            )
        )
        .order_by("-published_at", "-id")
    )


def maintenance_changes(now: datetime) -> QuerySet[Change]:
    """Customer-visible changes being implemented or booked for a window not yet over."""
    return (
        Change.objects.filter(customer_visible=True)
        .filter(
            Q(status=ChangeStatus.IMPLEMENT)
            | Q(status=ChangeStatus.SCHEDULED, planned_end__gt=now, planned_start__isnull=False)
        )
        .prefetch_related(
            Prefetch("services", queryset=public_services(), to_attr="public_services")
        )
        .order_by("planned_start", "pk")
    )


@dataclass
class ServiceState:
    service: Service
    status: ServiceStatus
    incidents: list[PublicIncident] = field(default_factory=list)
    maintenances: list[Change] = field(default_factory=list)

    @property
    def updated_at(self) -> datetime | None:
        """When its status last changed for a reason we know of."""
        times = [pi.updated_at for pi in self.incidents]
        times += [c.actual_start or c.planned_start for c in self.maintenances if c.planned_start]
        return max(times, default=None)


@dataclass
class PageState:
    now: datetime
    services: list[ServiceState]
    incidents: list[PublicIncident]
    maintenances: list[Change]
    """Under way now."""
    upcoming: list[Change]

    @property
    def status(self) -> ServiceStatus:
        return worst(*(state.status for state in self.services))

    @property
    def indicator(self) -> str:
        return INDICATORS[self.status][0]

    @property
    def description(self) -> str:
        return INDICATORS[self.status][1]

    @property
    def updated_at(self) -> datetime | None:
        return max((s.updated_at for s in self.services if s.updated_at), default=None)

    def state_of(self, service_id: int) -> ServiceState | None:
        return next((s for s in self.services if s.service.pk == service_id), None)


def page_state(*, now: datetime | None = None, services: list[Service] | None = None) -> PageState:
    """The whole page's status now: five queries however many services and incidents."""
    now = now or timezone.now()
    services = list(public_services()) if services is None else services
    states = {service.pk: ServiceState(service, ServiceStatus.OPERATIONAL) for service in services}
    incidents = list(open_public_incidents())
    for public in incidents:
        state = states.get(public.incident.service_id or 0)
        if state is not None:
            state.incidents.append(public)
    changes = list(maintenance_changes(now))
    active = [change for change in changes if is_maintaining(change, now)]
    for change in active:
        for service in change.public_services:  # type: ignore[attr-defined]
            if service.pk in states:
                states[service.pk].maintenances.append(change)
    for state in states.values():
        state.status = worst(
            *(ServiceStatus(pi.impact) for pi in state.incidents),
            *([ServiceStatus.UNDER_MAINTENANCE] if state.maintenances else []),
        )
    shown = [pi for pi in incidents if (pi.incident.service_id or 0) in states]
    return PageState(
        now=now,
        services=list(states.values()),
        incidents=shown,
        maintenances=[c for c in active if c.public_services],  # type: ignore[attr-defined]
        upcoming=[
            c
            for c in changes
            if c not in active and c.public_services  # type: ignore[attr-defined]
        ],
    )
