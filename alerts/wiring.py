"""Everything alerts plug into, in one place; ``AlertsConfig.ready()`` calls ``connect()``."""


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
