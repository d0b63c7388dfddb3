from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

WORK = [
    "view_change",
    "add_change",
    "change_change",
    "view_changetimelineentry",
    "add_changetimelineentry",
    "view_changeapproval",
    "view_changetemplate",
    "view_blackoutwindow",
]
MANAGE = [
    "override_conflict",
    "approve_emergency",
    "override_priority",
    "add_changetemplate",
    "change_changetemplate",
    "add_blackoutwindow",
    "change_blackoutwindow",
    "delete_blackoutwindow",
]


class ChangesConfig(AppConfig):
    name = "changes"

    def ready(self) -> None:
        from changes import wiring

        connect_role_grants(self, {AGENTS: WORK, MANAGERS: [*WORK, *MANAGE]})
        wiring.connect()
