from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

READ = ["view_calendar", "view_workingperiod", "view_holiday"]
MANAGE = [
    "add_calendar",
    "change_calendar",
    "add_workingperiod",
    "change_workingperiod",
    "delete_workingperiod",
    "add_holiday",
    "change_holiday",
    "delete_holiday",
]


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from sla import wiring

        wiring.connect()
        # Agents see which hours their targets count; managers shape the calendars.
        connect_role_grants(self, {AGENTS: READ, MANAGERS: [*READ, *MANAGE]})
