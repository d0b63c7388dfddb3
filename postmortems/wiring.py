"""Everything postmortems plugs into, in one place; ``AppConfig.ready()`` calls ``connect()``."""


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
