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
