"""Everything imports plugs into, in one place; ``ImportsConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""

from imports.admin.panels import imported_panel
from incidents.models import Incident
from kernel.admin.panels import register_admin_panel


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # The incident's change form says where an imported incident came from.
    register_admin_panel(Incident, imported_panel)
