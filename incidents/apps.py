from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

WORK = [
    "view_incident",
    "add_incident",
    "change_incident",
    "view_incidenttimelineentry",
    "add_incidenttimelineentry",
    "view_incidentrole",
]


class IncidentsConfig(AppConfig):
    name = "incidents"

    def ready(self) -> None:
        from incidents import wiring

        connect_role_grants(
            self,
            {
                AGENTS: WORK,
                MANAGERS: [*WORK, "cancel_incident", "override_priority", "declare_major"],
            },
        )
        wiring.connect()
