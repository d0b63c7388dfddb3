from django.apps import AppConfig

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

WORK = [
    "view_postmortem",
    "add_postmortem",
    "change_postmortem",
    "view_postmortemtimelineentry",
    "add_postmortemtimelineentry",
    "view_postmortemreviewer",
    "view_postmortemtemplate",
    "view_actionitem",
    "add_actionitem",
    "change_actionitem",
]
TEMPLATES = ["add_postmortemtemplate", "change_postmortemtemplate"]


class PostmortemsConfig(AppConfig):
    """Post-incident reviews, their templates and their action items (docs/postmortems.md)."""

    name = "postmortems"
    verbose_name = "Postmortems"

    def ready(self) -> None:
        from postmortems import wiring

        connect_role_grants(
            self, {AGENTS: WORK, MANAGERS: [*WORK, *TEMPLATES, "override_priority"]}
        )
        wiring.connect()
