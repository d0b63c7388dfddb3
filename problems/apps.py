from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

WORK = [
    "view_problem",
    "add_problem",
    "change_problem",
    "view_problemtimelineentry",
    "add_problemtimelineentry",
    "view_problemincident",
]


class ProblemsConfig(AppConfig):
    name = "problems"

    def ready(self) -> None:
        from problems import wiring

        connect_role_grants(
            self, {AGENTS: WORK, MANAGERS: [*WORK, "cancel_problem", "override_priority"]}
        )
        wiring.connect()
