from django.apps import AppConfig

from accounts.roles import MANAGERS, connect_role_grants


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from imports import wiring

        wiring.connect()
        # Managers read the log of imports; nobody edits it (the command writes it).
        connect_role_grants(self, {MANAGERS: ["view_importrun"]})
