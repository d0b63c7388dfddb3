from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

# Agents see the definitions and every incident's clocks; managers shape the definitions.
# Nobody edits a clock: the engine (sla.clocks) alone writes them.
SLA_READ = ["view_sladefinition", "view_clock"]
SLA_MANAGE = ["add_sladefinition", "change_sladefinition", "delete_sladefinition"]


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from sla import wiring

        wiring.connect()
        connect_role_grants(self, {AGENTS: SLA_READ, MANAGERS: [*SLA_READ, *SLA_MANAGE]})
