"""What tickets point at: services, the teams that own and work them, and categories."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Team(models.Model):
    """An assignment group."""

    name = models.CharField(max_length=100, unique=True)
    email = models.EmailField(blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teams",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Criticality(models.IntegerChoices):
        CRITICAL = 1, "1 - Mission critical"
        HIGH = 2, "2 - Business critical"
        MEDIUM = 3, "3 - Business operational"
        LOW = 4, "4 - Administrative"

    class AutoDeclare(models.TextChoices):
        """When an incident on the service becomes a major incident by itself."""

        P1_OR_SEV1 = "p1_or_sev1", "P1 or SEV1"
        P1_OR_SEV2 = "p1_or_sev2", "P1, SEV1 or SEV2"
        SEV1 = "sev1", "SEV1 only"
        NEVER = "never", "Never: a manager declares it"

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="services")
    criticality = models.PositiveSmallIntegerField(choices=Criticality, default=Criticality.MEDIUM)
    is_public = models.BooleanField(
        default=True, help_text="Shown to end users in the portal and on the status page."
    )
    is_active = models.BooleanField(default=True)
    auto_declare_major = models.CharField(
        "declare major incidents",
        max_length=16,
        choices=AutoDeclare,
        default=AutoDeclare.P1_OR_SEV1,
        help_text="Which incidents on this service are declared major incidents as soon as "
        "they are logged or raised (a manager can always declare or undeclare by hand).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A category, or a subcategory when it has a parent."""

    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="category_unique_top_level",
            ),
        ]

    def __str__(self) -> str:
        if self.parent_id is None:
            return self.name
        return f"{self.parent} / {self.name}"


class Location(models.Model):
    """Where the affected people or equipment are (a site, a building, an office)."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConfigurationItem(models.Model):
    """A thing that can break: a server, an application, a product (ITIL's CI). Optional
    on a ticket; the service is what the desk routes by."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField("type", max_length=100, blank=True)
    subtype = models.CharField(max_length=100, blank=True)
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="configuration_items",
        help_text="The service it is part of, when known.",
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "configuration item"

    def __str__(self) -> str:
        return self.name
