"""What the importer keeps besides the incidents it writes: a log of every run, the key
that makes a second run a no-op (one row per imported incident), and which problem and
change records stand for the source's problem and change ids."""

from django.conf import settings
from django.db import models

from changes.models import Change
from incidents.models import Incident
from problems.models import Problem


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"
    INTERRUPTED = "interrupted", "Interrupted"
    """Its process ended before it could say how it went (``imports.runs``)."""


class ImportRun(models.Model):
    """One ``import_incidents`` run (or dry run): what was asked and what came of it."""

    format = models.CharField(max_length=32)
    paths = models.JSONField(default=list)
    options = models.JSONField(default=dict, help_text="The time zone assumed, the batch size.")
    dry_run = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=RunStatus, default=RunStatus.RUNNING)
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="The summary's figures, rejected rows counted per reason and the first "
        "1,000 of them with their lines.",
    )
    error = models.TextField(blank=True, help_text="Why a failed run stopped.")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "import run"

    def __str__(self) -> str:
        return f"{self.format} import at {self.started_at:%Y-%m-%d %H:%M}"


class ImportedIncident(models.Model):
    """The idempotency key: one source incident, the incident it became, and how far its
    updates are imported. A run skips updates up to ``last_sequence`` and appends the rest."""

    source = models.CharField(max_length=32, help_text="The format's name.")
    number = models.CharField(max_length=64, help_text="The source's number.")
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="imported")
    last_sequence = models.BigIntegerField(help_text="The highest source update imported.")
    path = models.CharField(max_length=500, help_text="The file it was first read from.")
    line = models.PositiveIntegerField(help_text="Line of its first row in that file.")
    attributes = models.JSONField(
        default=dict, blank=True, help_text="Source columns with no field of ours, as recorded."
    )
    counters = models.JSONField(
        default=dict,
        blank=True,
        help_text="The source's own final counters (reassignments, reopens).",
    )
    links = models.JSONField(
        default=dict,
        blank=True,
        help_text="Source problem and change ids and the records made for them.",
    )

    class Meta:
        verbose_name = "imported incident"
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="imported_incident_key"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.number}"


class ImportedRecord(models.Model):
    """The record an import made for a source id (a problem, a change)."""

    source = models.CharField(max_length=32)
    external_id = models.CharField(max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.source} {self.external_id}"


class ImportedProblem(ImportedRecord):
    """The problem record made for a source problem id."""

    problem = models.OneToOneField(Problem, on_delete=models.CASCADE, related_name="imported")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="imported_problem_key"),
        ]


class ImportedChange(ImportedRecord):
    """The change record made for a source change (RFC) id."""

    change = models.OneToOneField(Change, on_delete=models.CASCADE, related_name="imported")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="imported_change_key"),
        ]
