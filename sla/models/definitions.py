"""SLA definitions: which incidents a service level applies to, its targets, its calendar
and what pauses it. Admin-managed, with history; ordered, and the first active definition
that matches an incident applies (``sla.matching``)."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from incidents.models import HoldReason
from kernel.enums import Priority


class Target(models.TextChoices):
    RESPONSE = "response", "Time to first response"
    RESOLUTION = "resolution", "Time to resolution"


class TargetUnit(models.TextChoices):
    """How the targets are written. Minutes and hours are business time on the calendar;
    a business day is the calendar's ``business_day`` of business time (8 h by default),
    so "3 business days" on an office calendar is 24 business hours, not 72 h."""

    MINUTES = "minutes", "Minutes"
    HOURS = "hours", "Hours"
    BUSINESS_DAYS = "business_days", "Business days"


# Ten years of seconds: far beyond any desk's target, and inside the clock's integer column.
MAX_TARGET_SECONDS = 10 * 366 * 24 * 3600
DEFAULT_PAUSE_REASONS = [HoldReason.AWAITING_CALLER.value, HoldReason.AWAITING_VENDOR.value]


def default_pause_reasons() -> list[str]:
    return list(DEFAULT_PAUSE_REASONS)


class SlaDefinition(models.Model):
    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveIntegerField(
        default=100, help_text="Definitions are tried in ascending order; the first match applies."
    )
    is_active = models.BooleanField(default=True)
    priorities = models.JSONField(
        default=list, blank=True, help_text="The priorities it applies to (none ticked: any)."
    )
    severities = models.JSONField(
        default=list, blank=True, help_text="The severities it applies to (none ticked: any)."
    )
    services = models.ManyToManyField(
        "catalog.Service",
        blank=True,
        related_name="+",
        help_text="The services it applies to (none chosen: any).",
    )
    categories = models.ManyToManyField(
        "catalog.Category",
        blank=True,
        related_name="+",
        help_text="The categories it applies to, as category or subcategory (none chosen: any).",
    )
    calendar = models.ForeignKey(
        "sla.Calendar",
        on_delete=models.PROTECT,
        related_name="sla_definitions",
        help_text="Whose working hours the targets count in.",
    )
    unit = models.CharField(max_length=16, choices=TargetUnit, default=TargetUnit.HOURS)
    response_target = models.DecimalField(
        "time to first response",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="In the unit above; empty: no response clock.",
    )
    resolution_target = models.DecimalField(
        "time to resolution",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="In the unit above; empty: no resolution clock.",
    )
    pause_hold_reasons = models.JSONField(
        default=default_pause_reasons,
        blank=True,
        help_text="The clocks pause while the incident is on hold for one of these reasons.",
    )
    history = HistoricalRecords(m2m_fields=[services, categories])

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "SLA definition"
        indexes = [models.Index(fields=["is_active", "order", "id"], name="sla_definition_order")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for field, allowed in (
            ("priorities", {int(value) for value in Priority.values}),
            ("severities", {1, 2, 3, 4}),
        ):
            values = getattr(self, field)
            if not isinstance(values, list) or not set(values) <= allowed:
                errors[field] = [f"Choose among {sorted(allowed)}."]
        reasons = self.pause_hold_reasons
        if not isinstance(reasons, list) or not set(reasons) <= set(HoldReason.values):
            errors["pause_hold_reasons"] = ["Choose among the hold reasons."]
        for field in ("response_target", "resolution_target"):
            amount = getattr(self, field)
            if amount is not None and amount <= 0:
                errors[field] = ["A target must be more than zero (empty: no clock)."]
        if self.response_target is None and self.resolution_target is None:
            errors["resolution_target"] = ["Give at least one target."]
        if self.calendar_id is not None and self.unit in TargetUnit.values:
            day = self.calendar.business_day
            for field in ("response_target", "resolution_target"):
                seconds = self.target_seconds(field.removesuffix("_target"), day)
                if field not in errors and seconds is not None and seconds > MAX_TARGET_SECONDS:
                    errors[field] = ["A target is at most ten years of business time."]
                elif field not in errors and seconds is not None and seconds < 1:
                    errors[field] = ["A target is at least one second."]
        if errors:
            raise ValidationError(errors)

    def amount(self, target: str) -> Decimal | None:
        amount: Decimal | None = getattr(self, f"{target}_target")
        return amount

    def target_seconds(self, target: str, business_day: timedelta) -> int | None:
        """The target in business seconds, ``None`` when the definition has none."""
        amount = self.amount(target)
        if amount is None:
            return None
        unit = {
            TargetUnit.MINUTES: Decimal(60),
            TargetUnit.HOURS: Decimal(3600),
            TargetUnit.BUSINESS_DAYS: Decimal(int(business_day.total_seconds())),
        }[TargetUnit(self.unit)]
        return int(amount * unit)

    def describe(self, target: str) -> str:
        """The target in people's words: "4 h", "30 min", "3 business days"."""
        amount = self.amount(target)
        if amount is None:
            return "none"
        number = f"{amount.normalize():f}"
        suffix = {"minutes": "min", "hours": "h", "business_days": "business days"}[self.unit]
        if self.unit == TargetUnit.BUSINESS_DAYS and amount == 1:
            suffix = "business day"
        return f"{number} {suffix}"
