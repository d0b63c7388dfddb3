from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    """Post-incident reviews, their templates and their action items (docs/postmortems.md)."""

    name = "postmortems"
    verbose_name = "Postmortems"

    def ready(self) -> None:
        from postmortems import wiring

        wiring.connect()
