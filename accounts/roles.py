"""The staff roles. Each app grants its own permissions to them after every migrate (and
after every test flush, which re-sends ``post_migrate``), so the roles always exist with
exactly the rights the code expects, whatever database they land in."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

AGENTS = "Agents"
MANAGERS = "Managers"


def connect_role_grants(app_config: AppConfig, grants: Mapping[str, Sequence[str]]) -> None:
    """After ``app_config`` migrates, give each role (group name) these codenames of the
    app's permissions. Granting is additive and idempotent."""

    def grant(using: str = "default", **kwargs: Any) -> None:
        from django.contrib.auth.models import Group, Permission

        for role, codenames in grants.items():
            group, _ = Group.objects.using(using).get_or_create(name=role)
            permissions = Permission.objects.using(using).filter(
                content_type__app_label=app_config.label, codename__in=codenames
            )
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise LookupError(f"{app_config.label} has no permissions {sorted(missing)}")
            group.permissions.add(*permissions)

    post_migrate.connect(
        grant, sender=app_config, dispatch_uid=f"role-grants-{app_config.label}", weak=False
    )
