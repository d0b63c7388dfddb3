"""The SLA queues on the agents' home (``kernel.admin.home``): open incidents breaching
soon and breached, counted with the incident list's own "SLA" filter, so each count is the
list its link opens."""

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from incidents.models import OPEN_STATES, Incident
from kernel.admin.home import Queue, shared
from sla.admin.lists import SlaFilter, soon
from sla.models import Clock

if TYPE_CHECKING:
    from accounts.models import User


def sla_queues(user: "User") -> list[Queue]:
    if not user.has_perm("incidents.view_incident"):
        return []
    # The same for every agent, and "breached" semi-joins every open incident's clocks
    # (0.3 s at a million incidents): read once per HOME_REFRESH_SECONDS.
    breaching, breached = shared("sla", counts)
    url = reverse("admin:incidents_incident_changelist")
    return [
        Queue("Breaching soon", breaching, f"{url}?open=yes&sla={SlaFilter.SOON}", urgent=True),
        Queue("Breached", breached, f"{url}?open=yes&sla={SlaFilter.BREACHED}", urgent=True),
    ]


def counts() -> tuple[int, int]:
    """(open incidents breaching soon, open incidents breached)."""
    now = timezone.now()
    clocks = Clock.objects.filter(incident=OuterRef("pk"))
    open_ = Incident.objects.filter(status__in=OPEN_STATES).order_by()
    # "Breaching soon" reads the running clocks' partial index; few are due in the hour.
    breaching = (
        Clock.objects.breaching_within(now, soon())
        .filter(incident__status__in=OPEN_STATES)
        .values("incident")
        .distinct()
        .count()
    )
    breached = open_.filter(Exists(clocks.breached(now))).count()
    return breaching, breached
