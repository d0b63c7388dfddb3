from django.db import models


class Ticket(models.Model):
    """One plain table with an incident's common columns and indexes."""

    number = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField(default=1)
    priority = models.PositiveSmallIntegerField(default=3)
    team_id = models.BigIntegerField(null=True)
    assignee_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="ceiling_status_created")]

    def __str__(self) -> str:
        return self.number


class Alert(models.Model):
    """One plain row per alert received: what the insert view writes, nothing else."""

    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=8)
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict)
    starts_at = models.DateTimeField()
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.fingerprint
