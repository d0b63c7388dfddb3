"""Everything alerts plug into, in one place; ``AlertsConfig.ready()`` calls ``connect()``."""

from alerts.admin.alerts import alert_panel
from alerts.admin.runbooks import runbook_panel
from alerts.api.runbooks import RunbooksField
from alerts.runbooks import page_links
from incidents.models import Incident
from kernel import notices
from kernel.admin.panels import register_admin_panel
from kernel.api.details import register_detail_field


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # The incident's change form: the alerts that opened it and still add to it.
    register_admin_panel(Incident, alert_panel)
    # The incident's runbooks: on its change form, in its API detail, and the first one
    # in the mail that pages someone about it (read when that mail is sent).
    register_admin_panel(Incident, runbook_panel)
    register_detail_field(Incident, "runbooks", RunbooksField)
    notices.register_reference_links(notices.NoticeKind.PAGE, page_links)
