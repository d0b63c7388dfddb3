"""Everything sla plugs into, in one place; ``AppConfig.ready()`` calls ``connect()``.
Nothing registers itself on import."""

from incidents.models import Incident
from kernel import events
from kernel.admin.panels import register_admin_panel
from kernel.api.details import register_detail_field
from sla import clocks
from sla.admin.panels import sla_panel
from sla.api.details import SlaField


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # The clocks follow the incident's timeline, inside each change's transaction.
    events.subscribe(clocks.on_ticket_event, dispatch_uid="sla.clocks")
    # The incident's change form and API detail show its clocks.
    register_admin_panel(Incident, sla_panel)
    register_detail_field(Incident, "sla", SlaField)
