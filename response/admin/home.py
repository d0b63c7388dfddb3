"""The major-incident queue on the agents' home (``kernel.admin.home``): open major
incidents, one click to the board. One count on the declared incidents' partial index."""

from typing import TYPE_CHECKING

from django.urls import reverse

from incidents.models import OPEN_STATES
from kernel.admin.home import Queue
from response.models import MajorIncident

if TYPE_CHECKING:
    from accounts.models import User


def major_queues(user: "User") -> list[Queue]:
    if not user.has_perm("response.view_majorincident"):
        return []
    count = (
        MajorIncident.objects.filter(major_since__isnull=False, status__in=OPEN_STATES)
        .order_by()
        .count()
    )
    url = reverse("admin:response_majorincident_changelist")
    return [Queue("Open major incidents", count, url, urgent=True)]
