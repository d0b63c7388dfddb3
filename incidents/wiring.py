"""Everything incidents plug into, in one place; ``IncidentsConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""

from incidents.admin.attachments import attachment_panel
from incidents.admin.home import incident_queues
from incidents.models import Incident, IncidentTimelineEntry
from incidents.reply_hint import reopen_by_reply_link
from incidents.visibility import visible_incidents
from incidents.workflow import incident_recalculate_priority
from kernel.admin.home import register_home_queues
from kernel.admin.panels import register_admin_panel
from kernel.notices import NoticeKind, register_personal_link
from kernel.priority import register_priority_recalculation
from kernel.search import Searchable, register_searchable


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # Admin: the incident's files under its change form.
    register_admin_panel(Incident, attachment_panel)
    # A caller's "resolved" mail says a reply reopens it (their delegates' too; nobody else's).
    register_personal_link(NoticeKind.STATE_CHANGED, reopen_by_reply_link)
    # The priority matrix's "apply" button re-prioritises open incidents through this.
    register_priority_recalculation(Incident, incident_recalculate_priority)
    # The agents' home: my open incidents, unassigned in my groups.
    register_home_queues("incidents", 10, incident_queues)
    # One search: incidents, which their callers find too (``visible_incidents``).
    register_searchable(
        Searchable(
            "incident",
            "Incidents",
            Incident,
            IncidentTimelineEntry,
            ("INC",),
            visible=visible_incidents,
        )
    )
