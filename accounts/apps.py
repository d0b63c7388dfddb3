from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

_GRANTS = ["add_reportinggrant", "change_reportinggrant", "delete_reportinggrant"]


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        # Agents pick callers and assignees from the people list; managers decide who
        # may report for whom (docs/portal.md).
        connect_role_grants(
            self,
            {
                AGENTS: ["view_user"],
                MANAGERS: ["view_user", "view_reportinggrant", *_GRANTS],
            },
        )
