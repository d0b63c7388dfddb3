from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

# Agents see which hours their targets count, the SLA definitions and every incident's
# clocks; managers shape the calendars and the definitions. Nobody edits a clock: the
# engine (sla.clocks) alone writes them.
READ = [
    "view_calendar",
    "view_workingperiod",
    "view_holiday",
    "view_sladefinition",
    "view_clock",
]
MANAGE = [
    "add_calendar",
    "change_calendar",
    "add_workingperiod",
    "change_workingperiod",
    "delete_workingperiod",
    "add_holiday",
    "change_holiday",
    "delete_holiday",
    "add_sladefinition",
    "change_sladefinition",
    "delete_sladefinition",
]


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from sla import wiring

        wiring.connect()
        connect_role_grants(self, {AGENTS: READ, MANAGERS: [*READ, *MANAGE]})
