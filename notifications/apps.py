from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

READ = ["view_notification", "view_inboxitem", "view_preference", "add_preference"]
OWN = [*READ, "change_preference", "delete_preference", "view_watch", "add_watch"]
MANAGE = ["view_endpoint", "change_endpoint", "add_endpoint", "change_notification"]


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from kernel import events
        from notifications.outbox import handle_ticket_event

        # The one way notifications learn about tickets: the kernel's event hook, inside
        # the change's transaction (no post_save receivers on our models).
        events.subscribe(handle_ticket_event, dispatch_uid="notifications")
        connect_role_grants(self, {AGENTS: OWN, MANAGERS: [*OWN, *MANAGE, "delete_watch"]})
