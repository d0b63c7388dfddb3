"""On-call schedules (rotations and overrides) and escalation policies with their runs.

A schedule answers "who is on call at T" (``oncall.schedules``); a policy says whom to
page, in which order and after how long (``oncall.escalation``)."""

import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from accounts.models import agents_q
from kernel.zones import validate_time_zone


def new_feed_token() -> str:
    """256 random bits, URL-safe: the whole secret of a calendar feed link."""
    return secrets.token_urlsafe(32)


class Schedule(models.Model):
    team = models.ForeignKey(
        "catalog.Team", on_delete=models.CASCADE, related_name="oncall_schedules"
    )
    name = models.CharField(max_length=100)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Hand-off times are wall-clock times here, across DST changes.",
    )
    # The secret of the calendar feed link (calendar apps cannot log in). Kept in clear,
    # unlike API tokens: the link must stay on the schedule's page for its managers to copy
    # into calendar apps, as GitHub and Google show their secret calendar addresses. Only
    # those who may change the schedule see it; rotating it kills every old link.
    feed_token = models.CharField(
        max_length=64, unique=True, default=new_feed_token, editable=False
    )

    class Meta:
        ordering = ["team__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="schedule_unique_in_team")
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.name}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def rotate_feed_token(self) -> None:
        """A new calendar link; the old one answers 404 from now on."""
        self.feed_token = new_feed_token()
        self.save(update_fields=["feed_token"])


class Rotation(models.Model):
    """Members take turns in order, handing off daily or weekly at a local time. The
    rotation with the latest start that has begun is the one in force."""

    class Period(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="rotations")
    period = models.CharField(max_length=8, choices=Period, default=Period.WEEKLY)
    handoff_time = models.TimeField(default="09:00")
    starts_on = models.DateField(
        help_text="The first shift starts this day at the hand-off time; weekly rotations "
        "hand off on this weekday."
    )

    class Meta:
        ordering = ["schedule", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.get_period_display()} from {self.starts_on} at {self.handoff_time}"

    @property
    def days(self) -> int:
        return 7 if self.period == self.Period.WEEKLY else 1


class RotationMember(models.Model):
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="members")
    # Only agents are on call: paging an end user would send them incidents' details.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=agents_q,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rotation", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.user}"


class Override(models.Model):
    """Someone covers a period; the latest override wins where overrides overlap."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=agents_q,
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["schedule", "starts_at"]
        indexes = [models.Index(fields=["schedule", "starts_at", "ends_at"], name="override_span")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="override_positive"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.user} covers {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M}"
        )


class EscalationPolicy(models.Model):
    name = models.CharField(max_length=100, unique=True)
    team = models.ForeignKey(
        "catalog.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_policies",
        help_text="Used for the team's incidents unless a service names its own policy.",
    )
    services = models.ManyToManyField(
        "catalog.Service", blank=True, related_name="escalation_policies"
    )
    page_priorities = models.JSONField(
        default=list, blank=True, help_text="Priorities that page, e.g. [1, 2]."
    )
    page_severities = models.JSONField(
        default=list, blank=True, help_text="Severities that page, e.g. [1, 2] (SEV1, SEV2)."
    )
    repeat = models.PositiveSmallIntegerField(
        default=0, help_text="Times to run the whole ladder again when nobody acknowledges."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "escalation policies"

    def __str__(self) -> str:
        return self.name

    def pages_for(self, priority: int, severity: int | None) -> bool:
        return priority in self.page_priorities or (
            severity is not None and severity in self.page_severities
        )


class EscalationLevel(models.Model):
    """One rung: page this target, then wait ``delay`` for an acknowledgement."""

    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(default=0)
    delay = models.DurationField(default=timedelta(minutes=15))
    schedule = models.ForeignKey(
        Schedule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=agents_q,
    )
    team_manager = models.BooleanField(
        default=False, help_text="Page the manager of the incident's assignment group."
    )

    class Meta:
        ordering = ["policy", "position", "id"]
        constraints = [
            # A floor for whatever skips clean() (a bulk import): a zero or negative delay
            # pages every level at once. clean() holds the real minimum, a setting.
            models.CheckConstraint(
                condition=models.Q(delay__gte=timedelta(seconds=1)),
                name="escalation_delay_positive",
                violation_error_message="The delay must be at least a second.",
            )
        ]

    def __str__(self) -> str:
        target = self.schedule or self.user or ("team manager" if self.team_manager else "?")
        return f"Level {self.position + 1}: {target} (wait {self.delay})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if sum((self.schedule_id is not None, self.user_id is not None, self.team_manager)) != 1:
            errors[NON_FIELD_ERRORS] = (
                "Choose exactly one target: a schedule, a user or the manager."
            )
        refusal = delay_refusal(self.delay)
        if refusal:
            errors["delay"] = refusal
        if errors:
            raise ValidationError(errors)


def delay_refusal(delay: timedelta | None) -> str:
    """Why a level may not wait ``delay`` before paging the next, or "": shorter than
    ESCALATION_MIN_DELAY_SECONDS, the ladder would page everyone at once."""
    minimum = timedelta(seconds=settings.ESCALATION_MIN_DELAY_SECONDS)
    if delay is None or delay >= minimum:
        return ""
    return (
        f"Wait at least {_duration(minimum)} before paging the next level "
        f"(given: {_duration(delay)})."
    )


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    if seconds and seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute" + ("s" if minutes != 1 else "")
    return f"{seconds} second" + ("s" if abs(seconds) != 1 else "")


class Escalation(models.Model):
    """One run of a policy for one incident."""

    class State(models.TextChoices):
        ACTIVE = "active", "Paging"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        EXHAUSTED = "exhausted", "Nobody answered"
        STOPPED = "stopped", "Stopped (incident no longer open)"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="escalations"
    )
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State, default=State.ACTIVE)
    cycle = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField(default=0, help_text="The last level paged.")
    next_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(state="active"),
                name="one_active_escalation",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_at"], name="escalation_due", condition=models.Q(state="active")
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident.number}: {self.get_state_display()}"


class Page(models.Model):
    """Somebody paged at one level of one cycle; the constraint is "never twice"."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="pages")
    cycle = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    paged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paged_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "cycle", "level"], name="page_once")
        ]

    def __str__(self) -> str:
        return f"Level {self.level + 1} (cycle {self.cycle + 1}): {self.user}"
