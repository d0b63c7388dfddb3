"""Everything the status page plugs into, in one place; ``StatusPageConfig.ready()``
calls ``connect()``. Nothing registers itself on import."""

from incidents.models import Incident
from kernel.admin.panels import register_admin_panel
from statuspage.admin import status_panel


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # The incident's change form: its public face and the "post a status update" link.
    register_admin_panel(Incident, status_panel)
