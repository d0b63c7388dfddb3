from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from accounts.roles import AGENTS, MANAGERS, connect_role_grants


def seed_priority_matrix(using: str = "default", **kwargs: Any) -> None:
    """Fill missing matrix cells with ITIL's defaults; edited cells are left alone."""
    from kernel.models import PriorityCell
    from kernel.priority import DEFAULT_MATRIX

    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        PriorityCell.objects.using(using).get_or_create(
            impact=impact, urgency=urgency, defaults={"priority": priority}
        )


class KernelConfig(AppConfig):
    name = "kernel"
    verbose_name = "Ticket kernel"

    def ready(self) -> None:
        post_migrate.connect(seed_priority_matrix, sender=self, dispatch_uid="seed-priority-matrix")
        connect_role_grants(
            self,
            {AGENTS: ["view_prioritycell"], MANAGERS: ["view_prioritycell", "change_prioritycell"]},
        )
