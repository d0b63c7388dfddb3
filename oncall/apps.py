from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

READ = [
    "view_schedule",
    "view_rotation",
    "view_rotationmember",
    "view_override",
    "view_escalationpolicy",
    "view_escalationlevel",
    "view_escalation",
    "view_page",
]
MANAGE = [
    "add_schedule",
    "change_schedule",
    "delete_schedule",
    "add_rotation",
    "change_rotation",
    "delete_rotation",
    "add_rotationmember",
    "change_rotationmember",
    "delete_rotationmember",
    "add_override",
    "change_override",
    "delete_override",
    "add_escalationpolicy",
    "change_escalationpolicy",
    "delete_escalationpolicy",
    "add_escalationlevel",
    "change_escalationlevel",
    "delete_escalationlevel",
]


class OncallConfig(AppConfig):
    name = "oncall"
    verbose_name = "On-call and escalation"

    def ready(self) -> None:
        from oncall import wiring

        wiring.connect()
        # Agents cover each other: they may add overrides; managers shape the rest.
        connect_role_grants(self, {AGENTS: [*READ, "add_override"], MANAGERS: [*READ, *MANAGE]})
