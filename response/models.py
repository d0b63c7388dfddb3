"""Major-incident response: the stakeholders of a major incident, the updates posted to
them (internal) or to the public (through the status page), the cadence those updates
keep, and the stars on its merged timeline. Written only through ``response.updates``,
``response.cadence`` and ``response.timeline``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from incidents.models import Incident


class UpdateAudience(models.TextChoices):
    INTERNAL = "internal", "Internal (stakeholders and watchers)"
    PUBLIC = "public", "Public (status page)"


class StakeholderUpdate(models.Model):
    """One update on a major incident, with the time the next one is due."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="stakeholder_updates"
    )
    audience = models.CharField(max_length=8, choices=UpdateAudience)
    body = models.TextField(max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_update_due = models.DateTimeField(help_text="When the next update is due.")
    status_update = models.OneToOneField(
        "statuspage.StatusUpdate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The status page's update a public update posted.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "stakeholder update"
        indexes = [models.Index(fields=["incident", "created_at"], name="stakeholder_update_inc")]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}: {self.body[:60]}"


class Stakeholder(models.Model):
    """Someone who hears a major incident's internal updates: a user, or every member of a
    team (read when each update is posted, so joiners hear the next one)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="stakeholders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "catalog.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, team__isnull=True)
                | Q(user__isnull=True, team__isnull=False),
                name="stakeholder_user_or_team",
            ),
            models.UniqueConstraint(
                fields=["incident", "user"],
                condition=Q(user__isnull=False),
                name="stakeholder_user_once",
            ),
            models.UniqueConstraint(
                fields=["incident", "team"],
                condition=Q(team__isnull=False),
                name="stakeholder_team_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.team)


class Cadence(models.Model):
    """When a major incident's next update is due, and when the next reminder about an
    overdue one may go. Bookkeeping derived from the updates (no history): written when
    the incident is declared, on each update and by the reminder sweep."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="cadence")
    next_update_due = models.DateTimeField()
    next_reminder_at = models.DateTimeField(
        help_text="The start of the next overdue period still to remind of."
    )
    reminders = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["next_reminder_at"], name="cadence_reminder_due")]

    def __str__(self) -> str:
        return f"{self.incident_id}: next update due {self.next_update_due:%Y-%m-%d %H:%M}"


class TimelineStar(models.Model):
    """A key event on an incident's merged timeline (``response.timeline``): postmortems
    pre-fill from these. ``key`` names the item (``entry:12``, ``alert:3``)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline_stars")
    key = models.CharField(max_length=64)
    starred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    starred_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "key"], name="timeline_star_once"),
        ]

    def __str__(self) -> str:
        return self.key


class MajorIncident(Incident):
    """The major-incident board: open declared incidents (``response.admin.board``)."""

    class Meta:
        proxy = True
        verbose_name = "major incident"
        verbose_name_plural = "major incidents"
