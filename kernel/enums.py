"""Choices every ticket type shares: impact, urgency and the priority derived from them."""

from django.db import models


class Impact(models.IntegerChoices):
    HIGH = 1, "1 - High"
    MEDIUM = 2, "2 - Medium"
    LOW = 3, "3 - Low"


class Urgency(models.IntegerChoices):
    HIGH = 1, "1 - High"
    MEDIUM = 2, "2 - Medium"
    LOW = 3, "3 - Low"


class Priority(models.IntegerChoices):
    CRITICAL = 1, "1 - Critical"
    HIGH = 2, "2 - High"
    MODERATE = 3, "3 - Moderate"
    LOW = 4, "4 - Low"
    PLANNING = 5, "5 - Planning"


class TimelineKind(models.TextChoices):
    EVENT = "event", "System event"
    WORK_NOTE = "work_note", "Work note"
    COMMENT = "comment", "Comment"
