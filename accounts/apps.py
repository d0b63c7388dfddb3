from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        # Agents pick callers and assignees from the people list.
        connect_role_grants(self, {AGENTS: ["view_user"], MANAGERS: ["view_user"]})
