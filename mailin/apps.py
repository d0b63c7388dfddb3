from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "mailin"
    verbose_name = "Inbound mail"

    def ready(self) -> None:
        from mailin import wiring

        wiring.connect()
