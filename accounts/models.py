"""People: agents work in the admin, end users use the portal. One user model for both."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    phone = models.CharField(max_length=40, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username

    @property
    def is_agent(self) -> bool:
        """Agents work tickets: they see every incident, not only their own."""
        return self.is_active and self.is_staff and self.has_perm("incidents.view_incident")
