from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

# Agents post public updates and see who subscribed; managers also manage subscribers.
WORK = [
    "view_publicincident",
    "view_statusupdate",
    "add_statusupdate",
    "view_subscriber",
]


class StatusPageConfig(AppConfig):
    name = "statuspage"
    verbose_name = "Status page"

    def ready(self) -> None:
        from statuspage import wiring

        connect_role_grants(
            self, {AGENTS: WORK, MANAGERS: [*WORK, "change_subscriber", "delete_subscriber"]}
        )
        wiring.connect()
