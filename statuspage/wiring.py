"""Everything the status page plugs into, in one place; ``StatusPageConfig.ready()``
calls ``connect()``. Nothing registers itself on import."""

from incidents.models import Incident
from kernel import notices
from kernel.admin.panels import register_admin_panel
from statuspage import links
from statuspage.admin import status_panel


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # The incident's change form: its public face and the "post a status update" link.
    register_admin_panel(Incident, status_panel)
    # The subscribers' confirm and unsubscribe links, built for that subscriber when their
    # mail is sent: never stored in the notification row the delivery log shows.
    notices.register_personal_link(notices.NoticeKind.STATUS_SUBSCRIPTION, links.confirm_link)
    notices.register_personal_link(notices.NoticeKind.STATUS_UPDATE, links.unsubscribe_link)
