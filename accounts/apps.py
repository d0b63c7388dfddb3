from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

_GRANTS = ["add_reportinggrant", "change_reportinggrant", "delete_reportinggrant"]
# Staff issue their own API tokens; managers see everyone's and revoke any (the admin).
_OWN_TOKENS = ["add_apitoken"]
_ALL_TOKENS = ["add_apitoken", "view_apitoken", "change_apitoken"]


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        # Agents pick callers and assignees from the people list; managers decide who
        # may report for whom (docs/portal.md).
        connect_role_grants(
            self,
            {
                AGENTS: ["view_user", *_OWN_TOKENS],
                MANAGERS: ["view_user", "view_reportinggrant", *_GRANTS, *_ALL_TOKENS],
            },
        )
