"""Everything alerts plug into, in one place; ``AlertsConfig.ready()`` calls ``connect()``."""

from alerts.admin.alerts import alert_panel
from incidents.models import Incident
from kernel.admin.panels import register_admin_panel


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # The incident's change form: the alerts that opened it and still add to it.
    register_admin_panel(Incident, alert_panel)
