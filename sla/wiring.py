"""Everything SLA plugs into, in one place; ``SlaConfig.ready()`` calls ``connect()``.
Nothing registers itself on import."""


def connect() -> None:
    """Idempotent: ``ready()`` may run more than once (tests)."""
    # Calendars plug into nothing: the clocks (sla.clocks) read them when they run.
