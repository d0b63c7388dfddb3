from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from sla import wiring

        wiring.connect()
