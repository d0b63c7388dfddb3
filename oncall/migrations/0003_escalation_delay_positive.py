"""Escalation levels wait at least a second (clean() asks for ESCALATION_MIN_DELAY_SECONDS).
A level saved with a zero or negative delay, which paged every level at once, is raised to
the minimum first so that the constraint can be added."""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def raise_short_delays(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    EscalationLevel = apps.get_model("oncall", "EscalationLevel")
    minimum = datetime.timedelta(seconds=max(1, settings.ESCALATION_MIN_DELAY_SECONDS))
    for level in EscalationLevel.objects.filter(delay__lt=datetime.timedelta(seconds=1)):
        level.delay = minimum
        level.save(update_fields=["delay"])


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0002_strip_ack_urls"),
    ]

    operations = [
        migrations.RunPython(raise_short_delays, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="escalationlevel",
            constraint=models.CheckConstraint(
                condition=models.Q(("delay__gte", datetime.timedelta(seconds=1))),
                name="escalation_delay_positive",
                violation_error_message="The delay must be at least a second.",
            ),
        ),
    ]
