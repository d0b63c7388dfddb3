"""The change queue on the agents' home (``kernel.admin.home``): changes awaiting the
agent's approval, the change list's "approvals" filter."""

from typing import TYPE_CHECKING

from django.urls import reverse

from changes.admin.change import ApprovalQueueFilter
from changes.approvals import changes_awaiting
from kernel.admin.home import Queue

if TYPE_CHECKING:
    from accounts.models import User


def change_queues(user: "User") -> list[Queue]:
    if not user.has_perm("changes.view_change"):
        return []
    url = reverse("admin:changes_change_changelist")
    return [
        Queue(
            "Changes awaiting my approval",
            changes_awaiting(user).order_by().count(),
            f"{url}?{ApprovalQueueFilter.parameter_name}={ApprovalQueueFilter.MINE}",
        )
    ]
