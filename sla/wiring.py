"""Everything sla plugs into, in one place; ``AppConfig.ready()`` calls ``connect()``.
Nothing registers itself on import."""

from incidents.models import Incident
from kernel import events
from kernel.admin.home import register_home_queues
from kernel.admin.lists import register_list_column, register_list_filter
from kernel.admin.panels import register_admin_panel, register_header_fact
from kernel.api.details import register_detail_field
from sla import clocks
from sla.admin.home import sla_queues
from sla.admin.lists import SlaFilter, annotate_time_left, time_left, time_left_fact
from sla.admin.panels import sla_panel
from sla.api.details import SlaField


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # The clocks follow the incident's timeline, inside each change's transaction.
    events.subscribe(clocks.on_ticket_event, dispatch_uid="sla.clocks")
    # The incident's change form and API detail show its clocks.
    register_admin_panel(Incident, sla_panel)
    register_header_fact(Incident, time_left_fact)
    register_detail_field(Incident, "sla", SlaField)
    # The incident list: a coloured, sortable "Time left" and the "SLA" filter.
    register_list_column(Incident, time_left, annotate=annotate_time_left)
    register_list_filter(Incident, SlaFilter)
    # The agents' home: open incidents breaching soon and breached.
    register_home_queues("sla", 20, sla_queues)
