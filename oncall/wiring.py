"""Everything on-call plugs into, in one place; ``OncallConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""

from kernel import events, notices
from kernel.admin.home import register_home_panel
from oncall import escalation, hooks
from oncall.home import on_call_panel


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # Major incidents start paging, acknowledgements and closes stop it: the kernel's
    # event hook, inside the change's transaction.
    events.subscribe(hooks.handle_ticket_event, dispatch_uid="oncall")
    # The ladder's next step needs no hook: the beat sweep (servicedesk/celery.py) fires
    # it from Escalation.next_at.
    # The page's acknowledge link, built for the person paged when their message is
    # rendered: never stored on the timeline or sent to webhooks.
    notices.register_personal_link(notices.NoticeKind.PAGE, escalation.page_link)
    # The agents' home: who is on call now for my teams.
    register_home_panel("oncall", 10, on_call_panel)
