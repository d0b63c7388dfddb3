from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_in

from accounts.roles import AGENTS, MANAGERS, connect_role_grants

_GRANTS = ["add_reportinggrant", "change_reportinggrant", "delete_reportinggrant"]
# Staff issue their own API tokens; managers see everyone's and revoke any (the admin).
_OWN_TOKENS = ["add_apitoken"]
_ALL_TOKENS = ["add_apitoken", "view_apitoken", "change_apitoken"]


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        from accounts import mfa

        # Agents pick callers and assignees from the people list; managers decide who
        # may report for whom (docs/portal.md).
        connect_role_grants(
            self,
            {
                AGENTS: ["view_user", *_OWN_TOKENS],
                MANAGERS: ["view_user", "view_reportinggrant", *_GRANTS, *_ALL_TOKENS],
            },
        )
        # Managers lift sign-in lockouts (delete the attempt) and remove a lost
        # authenticator, so its owner can set up a new one (docs/operations.md).
        connect_role_grants(
            apps.get_app_config("axes"),
            {MANAGERS: ["view_accessattempt", "delete_accessattempt"]},
        )
        connect_role_grants(
            apps.get_app_config("otp_totp"),
            {MANAGERS: ["view_totpdevice", "delete_totpdevice"]},
        )
        connect_role_grants(
            apps.get_app_config("otp_static"),
            {MANAGERS: ["view_staticdevice", "delete_staticdevice"]},
        )
        # Each sign-in decides afresh what second factor the session owes.
        user_logged_in.connect(mfa.forget_step, dispatch_uid="accounts-mfa-forget-step")
