from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

READ = ["view_notification", "view_inboxitem", "view_preference", "add_preference"]
QUIET = ["view_quiethours", "add_quiethours", "change_quiethours", "delete_quiethours"]
OWN = [*READ, "change_preference", "delete_preference", "view_watch", "add_watch", *QUIET]
MANAGE = ["view_endpoint", "change_endpoint", "add_endpoint", "change_notification"]


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications import wiring

        wiring.connect()
        connect_role_grants(self, {AGENTS: OWN, MANAGERS: [*OWN, *MANAGE, "delete_watch"]})
