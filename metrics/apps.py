from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

# The reports page is the agents' and managers' (docs/metrics.md); the API asks IsAgent.
SEE = ["view_incidentreport"]


class MetricsConfig(AppConfig):
    """Incident metrics: MTTx, SLA compliance, backlog, MTBF, change failure rate, their
    API, CSV and the admin reports page (docs/metrics.md)."""

    name = "metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        from metrics import wiring

        connect_role_grants(self, {AGENTS: SEE, MANAGERS: SEE})
        wiring.connect()
