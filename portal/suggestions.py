""" "Is it this? Follow it instead": what the report form shows before anything is
created, so that the same outage is not reported fifty times."""

from dataclasses import dataclass, field

from accounts.models import User
from catalog.models import Service
from incidents.models import OPEN_STATES, Incident
from incidents.visibility import visible_incidents
from problems.models import Problem
from problems.queries import known_errors_matching
from statuspage.models import PublicIncident
from statuspage.queries import public_incidents_for_service


@dataclass(frozen=True)
class Suggestions:
    known_errors: list[Problem] = field(default_factory=list)
    """Known errors on the service or matching the title, each with its workaround."""
    own_open: list[Incident] = field(default_factory=list)
    """The user's (or their delegators') open incidents on the service."""
    public: list[PublicIncident] = field(default_factory=list)
    """Open incidents the status page shows for the service: follow them there."""

    def __bool__(self) -> bool:
        return bool(self.known_errors or self.own_open or self.public)


def suggestions_for(user: User, service: Service, text: str) -> Suggestions:
    own = visible_incidents(Incident.objects.filter(service=service, status__in=OPEN_STATES), user)
    return Suggestions(
        known_errors=list(known_errors_matching(service, text)[:5]),
        own_open=list(own.order_by("-reported_at")[:5]),
        public=public_incidents_for_service(service)[:5],
    )
