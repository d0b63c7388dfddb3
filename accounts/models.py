"""People: agents work in the admin, end users use the portal. One user model for both."""

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    phone = models.CharField(max_length=40, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name(self.first_name, self.last_name, self.username)

    @staticmethod
    def display_name(first_name: str, last_name: str, username: str) -> str:
        """What ``str(user)`` shows, from the three columns (lists read them as values)."""
        return f"{first_name} {last_name}".strip() or username

    @property
    def is_agent(self) -> bool:
        """Agents work tickets: they see every incident, not only their own."""
        return self.is_active and self.is_staff and self.has_perm(".".join(AGENT_PERMISSION))


AGENT_PERMISSION = ("incidents", "view_incident")


def agents_q() -> models.Q:
    """``User.is_agent`` as a filter: active staff holding the agents' permission through
    a group or their own grants (or superusers). Subqueries, not joins, so a user with the
    permission twice is one row (the admin's pickers ``get`` by it)."""
    from django.contrib.auth.models import Permission

    app_label, codename = AGENT_PERMISSION
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    by_group = User.groups.through.objects.filter(group__permissions__in=permission)
    by_grant = User.user_permissions.through.objects.filter(permission__in=permission)
    return models.Q(is_active=True, is_staff=True) & (
        models.Q(is_superuser=True)
        | models.Q(pk__in=by_group.values("user_id"))
        | models.Q(pk__in=by_grant.values("user_id"))
    )


class ReportingGrant(models.Model):
    """A manager lets ``reporter`` report incidents for ``on_behalf_of`` and follow them
    (an assistant for their boss, a team lead for a new hire). Without a grant an end user
    sees only the incidents they called in themselves."""

    reporter = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="reporting_grants", help_text="Who reports."
    )
    on_behalf_of = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", help_text="For whom they may report."
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reporter__username", "on_behalf_of__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "on_behalf_of"], name="reporting_grant_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(reporter=models.F("on_behalf_of")),
                name="reporting_grant_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter} reports for {self.on_behalf_of}"


class ApiToken(models.Model):
    """A named, expiring, revocable API token. The plain token is shown once, when it is
    issued (``accounts.tokens.api_token_issue``); only its SHA-256 digest is stored, so a
    copy of the database authenticates nobody. Revoked tokens are kept, for the record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. “Monitoring”.")
    prefix = models.CharField(
        max_length=12, editable=False, help_text="Its first characters, to recognise it."
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    expires = models.DateTimeField(
        null=True, blank=True, help_text="Empty: never (only where API_TOKEN_ALLOW_NEVER is on)."
    )
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def refusal(self, now: datetime) -> str | None:
        """Why this token does not sign anyone in at ``now``, or None when it does."""
        if self.revoked_at is not None:
            return "Token revoked."
        if self.expires is not None and self.expires <= now:
            return "Token expired."
        return None

    def may_be_revoked_by(self, user: User) -> bool:
        """Everyone revokes their own tokens; managers (``change_apitoken``) anyone's."""
        return user.pk == self.user_id or user.has_perm("accounts.change_apitoken")
