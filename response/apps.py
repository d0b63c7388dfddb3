from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

# Agents see the board and the updates; the communications lead and the commander post
# by their role (response.updates.may_lead), managers on any major incident.
SEE = ["view_majorincident", "view_stakeholderupdate", "view_stakeholder", "view_timelinestar"]


class ResponseConfig(AppConfig):
    """Major-incident response: stakeholder updates and their cadence, the board, the
    merged timeline (docs/major-incidents.md)."""

    name = "response"
    verbose_name = "Major incident response"

    def ready(self) -> None:
        from response import wiring

        connect_role_grants(self, {AGENTS: SEE, MANAGERS: [*SEE, "add_stakeholderupdate"]})
        wiring.connect()
