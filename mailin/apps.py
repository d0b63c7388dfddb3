from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

# Agents read the log and retry what failed; managers also set up the desk addresses.
LOG = ["view_inboundmail", "change_inboundmail", "view_deskaddress"]


class MailinConfig(AppConfig):
    name = "mailin"
    verbose_name = "Inbound mail"

    def ready(self) -> None:
        from mailin import wiring

        connect_role_grants(
            self,
            {
                AGENTS: LOG,
                MANAGERS: [*LOG, "add_deskaddress", "change_deskaddress", "delete_deskaddress"],
            },
        )
        wiring.connect()
