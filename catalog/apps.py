from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

READ = ["view_service", "view_team", "view_category"]
WRITE = ["add_service", "change_service", "add_team", "change_team", "add_category"]


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Service catalog"

    def ready(self) -> None:
        connect_role_grants(self, {AGENTS: READ, MANAGERS: [*READ, *WRITE, "change_category"]})
