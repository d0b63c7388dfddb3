from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

# Agents see alerts and read runbooks; managers run integrations, silences and runbooks.
SEE = ["view_alert", "view_integration", "view_silence", "view_runbook", "view_routingrule"]
RUN = [
    *(
        f"{verb}_{model}"
        for verb in ("add", "change", "delete")
        for model in ("integration", "routingrule", "silence", "runbook")
    ),
]


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from alerts import wiring

        connect_role_grants(self, {AGENTS: [*SEE, "add_silence"], MANAGERS: [*SEE, *RUN]})
        wiring.connect()
