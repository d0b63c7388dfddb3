from django.apps import AppConfig


class ResponseConfig(AppConfig):
    """Major-incident response: stakeholder updates and their cadence, the board, the
    merged timeline (docs/major-incidents.md)."""

    name = "response"
    verbose_name = "Major incident response"

    def ready(self) -> None:
        from response import wiring

        wiring.connect()
