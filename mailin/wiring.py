"""Everything inbound mail plugs into, in one place; ``MailinConfig.ready()`` calls
``connect()``. Nothing registers itself on import."""


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
