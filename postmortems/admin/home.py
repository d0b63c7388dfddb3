"""The action-item queue on the agents' home (``kernel.admin.home``): the agent's own
overdue action items, the action item list's "overdue" and "owner" filters."""

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from kernel.admin.home import Queue
from postmortems.action_items import overdue

if TYPE_CHECKING:
    from accounts.models import User


def action_item_queues(user: "User") -> list[Queue]:
    if not user.has_perm("postmortems.view_actionitem"):
        return []
    url = reverse("admin:postmortems_actionitem_changelist")
    late = overdue(timezone.localdate()).filter(owner=user.pk).order_by().count()
    return [
        Queue(
            "My overdue action items",
            late,
            f"{url}?overdue=yes&owner__id__exact={user.pk}",
            urgent=True,
        )
    ]
