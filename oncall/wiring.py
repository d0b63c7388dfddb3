"""Everything on-call plugs into, in one place; ``OncallConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""

from kernel import events
from oncall import hooks


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # Major incidents start paging, acknowledgements and closes stop it: the kernel's
    # event hook, inside the change's transaction.
    events.subscribe(hooks.handle_ticket_event, dispatch_uid="oncall")
    # The ladder's next step needs no hook: the beat sweep (servicedesk/celery.py) fires
    # it from Escalation.next_at.
