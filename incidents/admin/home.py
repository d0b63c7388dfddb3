"""The incident queues on the agents' home (``kernel.admin.home``): the same filters as
the incident list's "queue" filter, so each count is the list its link opens. Each is one
count on an index (``inc_assignee_status``, ``inc_group_status``)."""

from typing import TYPE_CHECKING

from django.urls import reverse

from incidents.admin.filters import QueueFilter
from incidents.models import OPEN_STATES, Incident
from kernel.admin.home import Queue

if TYPE_CHECKING:
    from accounts.models import User


def incident_queues(user: "User") -> list[Queue]:
    if not user.has_perm("incidents.view_incident"):
        return []
    changelist = reverse("admin:incidents_incident_changelist")
    open_ = Incident.objects.filter(status__in=OPEN_STATES).order_by()
    mine = open_.filter(assigned_to=user.pk).count()
    unassigned = open_.filter(assigned_to__isnull=True, assignment_group__members=user.pk).count()
    return [
        Queue(
            "My open incidents",
            mine,
            f"{changelist}?{QueueFilter.parameter_name}={QueueFilter.MINE}",
        ),
        Queue(
            "Unassigned in my groups",
            unassigned,
            f"{changelist}?{QueueFilter.parameter_name}={QueueFilter.UNASSIGNED}",
        ),
    ]
