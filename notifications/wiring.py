"""Everything notifications plug into, in one place; ``NotificationsConfig.ready()``
calls ``connect()``. Nothing registers itself on import."""

from kernel import events
from notifications import outbox, tasks


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # The one way notifications learn about tickets: the kernel's event hook, inside the
    # change's transaction (no post_save receivers on our models).
    events.subscribe(outbox.handle_ticket_event, dispatch_uid="notifications")
    # The outbox hands rows to the broker through the tasks module (house rule 19: the
    # domain code never imports Celery tasks).
    outbox.set_publisher(tasks.publish_delivery)
