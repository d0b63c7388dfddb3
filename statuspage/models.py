"""What the public sees of an incident, the updates the communications lead posts, and
the people who asked to hear about them. Nothing here is derived: a service's status is
computed from these rows and from customer-visible changes (``statuspage.status``)."""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from incidents.models import Incident
from statuspage.enums import Impact, Phase


class PublicIncident(models.Model):
    """An incident made public: its public words only, never the incident's own fields."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="public")
    title = models.CharField(max_length=200, help_text="The title the public sees.")
    impact = models.CharField(max_length=24, choices=Impact, editable=False)
    phase = models.CharField(max_length=16, choices=Phase, editable=False)
    published_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When an update said resolved."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "public incident"
        indexes = [models.Index(fields=["phase", "updated_at"], name="pubinc_phase_updated")]

    def __str__(self) -> str:
        return f"{self.title} ({self.incident.number})"

    @property
    def is_open(self) -> bool:
        """Open while nobody said resolved and the incident itself is still being worked:
        resolving the incident in the console ends the public incident too."""
        return self.phase != Phase.RESOLVED and self.incident.is_open

    @property
    def ended_at(self) -> datetime | None:
        """When its impact ended: the first of a resolved update and the incident's own
        resolution or closing (``statuspage.history`` computes the same in SQL)."""
        incident = self.incident
        ends = [t for t in (self.resolved_at, incident.resolved_at, incident.closed_at) if t]
        return min(ends) if ends else None

    @property
    def shown_phase(self) -> str:
        """The phase to show: resolved once the incident is, whatever the last update said."""
        return Phase.RESOLVED if not self.is_open else self.phase

    @property
    def url(self) -> str:
        """Its public page (a path)."""
        from django.urls import reverse

        return reverse("statuspage:incident", args=[self.incident.number])


class StatusUpdate(models.Model):
    """One public update: plain text, with the phase and impact it announces."""

    public_incident = models.ForeignKey(
        PublicIncident, on_delete=models.CASCADE, related_name="updates"
    )
    phase = models.CharField(max_length=16, choices=Phase)
    impact = models.CharField(max_length=24, choices=Impact)
    body = models.TextField(max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "status update"
        indexes = [models.Index(fields=["public_incident", "created_at"], name="update_incident")]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}: {self.body[:60]}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    """An email address that asked for the updates (of some services, or all of them).
    It hears nothing until it confirms (double opt-in)."""

    email = models.EmailField(unique=True)
    services = models.ManyToManyField(
        "catalog.Service",
        blank=True,
        related_name="status_subscribers",
        help_text="Empty: every service.",
    )
    token = models.CharField(
        max_length=64,
        default=new_token,
        editable=False,
        help_text="Part of every signed link: a new token voids the links already sent.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering = ["email"]
        indexes = [
            models.Index(
                fields=["confirmed_at"],
                name="subscriber_active",
                condition=models.Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
